/**
 * Scenario 7, browser efficiency: a CPU-bound kernel run by a fleet of real
 * Chromium tabs (one per core, one worker each, through e2e/fleet) via the
 * whole platform, at quorum 1 and 2, against the same kernel run task after
 * task in one Node thread. Efficiency counts replicas: at quorum q each task
 * is computed q times, so efficiency = q × Node seconds ÷ (wall × tabs).
 * Per-task overhead comes from a job of tiny tasks at quorum 1.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { launchFleet, type Fleet } from '../../e2e/fleet/index.ts';
import { CoordinatorProcess } from '../lib/coordinator.ts';
import { ROOT } from '../lib/proc.ts';
import { processCpuMs } from '../lib/threads.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import type { BenchContext } from './context.ts';

/** An LCG loop: pure integer work, the same in V8 in Node and in Chromium. */
const KERNEL = `export default (input) => {
  let x = input.seed | 0;
  let acc = 0;
  for (let i = 0; i < input.iters; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    acc = (acc + (x >>> 16)) | 0;
  }
  return acc;
};`;

type Kernel = (input: { seed: number; iters: number }) => number;

export async function browserScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const title = '7. Browser efficiency (Chromium fleet vs one Node thread)';
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html')))
    return {
      title,
      columns: [],
      rows: [],
      data: {},
      skipped: 'web/dist is not built; run `npm run build:web`',
    };
  if (!existsSync('/usr/bin/chromium'))
    return {
      title,
      columns: [],
      rows: [],
      data: {},
      skipped: 'no /usr/bin/chromium; `apt-get install -y chromium`',
    };
  const kernel = (
    (await import(`data:text/javascript,${encodeURIComponent(KERNEL)}`)) as {
      default: Kernel;
    }
  ).default;
  const iters = calibrate(kernel, ctx.sizes.browserTaskMs);
  const inputs = Array.from({ length: ctx.sizes.browserTasks }, (_, i) => ({
    seed: i + 1,
    iters,
  }));
  const nodeStarted = performance.now();
  const nodeCpu = process.cpuUsage();
  for (const input of inputs) kernel(input);
  const nodeSeconds = (performance.now() - nodeStarted) / 1000;
  const { user, system } = process.cpuUsage(nodeCpu);
  const nodeCpuSeconds = (user + system) / 1e6;

  const tabs = cpus().length;
  const coordinator = await CoordinatorProcess.start();
  let fleet: Fleet | null = null;
  try {
    fleet = await launchFleet({ url: coordinator.url, tabs, workers: 1 });
    await fleet.waitForTabs(tabs, 120_000);
    const rows: (string | number)[][] = [];
    const efficiency: Record<string, number> = {};
    // Efficiency ≈ speed (Node CPU ÷ the tabs' renderer CPU for the same
    // work) × share (renderer CPU ÷ wall × tabs: what the machine gave them).
    // Renderer CPU counts the page's own thread too, so speed is a floor.
    const breakdown: Record<string, { speed: number; share: number }> = {};
    for (const quorum of [1, 2]) {
      const cpuBeforeMs = processCpuMs('--type=renderer');
      const wall = await runJob(
        coordinator,
        `kernel q${quorum}`,
        inputs,
        quorum,
        ctx.sizes.browserTaskMs,
      );
      const tabSeconds = (processCpuMs('--type=renderer') - cpuBeforeMs) / 1000;
      const e = (quorum * nodeSeconds) / (wall * tabs);
      efficiency[`quorum${quorum}`] = e;
      breakdown[`quorum${quorum}`] = {
        speed: round((quorum * nodeCpuSeconds) / Math.max(tabSeconds, 0.01)),
        share: round(tabSeconds / (wall * tabs)),
      };
      rows.push([
        `kernel, quorum ${quorum}`,
        inputs.length,
        nodeSeconds,
        wall,
        e,
        breakdown[`quorum${quorum}`]!.speed,
        breakdown[`quorum${quorum}`]!.share,
        '',
      ]);
    }
    const tiny = Array.from({ length: ctx.sizes.tinyTasks }, (_, i) => ({
      seed: i,
      iters: 0,
    }));
    const tinyWall = await runJob(coordinator, 'tiny tasks', tiny, 1, 1);
    const overheadMs = (tinyWall * tabs * 1000) / tiny.length;
    rows.push([
      'tiny tasks, quorum 1',
      tiny.length,
      0,
      tinyWall,
      '',
      '',
      '',
      overheadMs,
    ]);
    const problems = fleet.problems();
    const worst = Math.min(efficiency.quorum1!, efficiency.quorum2!);
    return {
      title,
      columns: [
        'job',
        'tasks',
        'Node s (one thread)',
        'fleet wall s',
        'efficiency',
        'speed (Node CPU ÷ tab CPU)',
        'CPU share of the tabs',
        'overhead ms per task per tab',
      ],
      rows,
      data: {
        tabs,
        workersPerTab: 1,
        taskMs: ctx.sizes.browserTaskMs,
        iters,
        nodeSeconds: round(nodeSeconds),
        nodeCpuSeconds: round(nodeCpuSeconds),
        /** Per quorum: kernel speed in the tabs' workers and the CPU share they got. */
        breakdown,
        efficiencyQuorum1: round(efficiency.quorum1!),
        efficiencyQuorum2: round(efficiency.quorum2!),
        efficiency: round(worst),
        tinyTaskOverheadMs: round(overheadMs),
        /** For 90% efficiency a task should run at least this long. */
        minTaskMsFor90: round(overheadMs * 9),
        pageProblems: problems.length,
      },
      notes: [
        `a task must run at least ~${round(overheadMs * 9)} ms for the ` +
          "platform's overhead to stay under 10%",
        ...problems
          .slice(0, 3)
          .map((p) => `page problem (${p.kind}): ${p.text}`),
      ],
    };
  } finally {
    await fleet?.close();
    await coordinator.stop();
  }
}

/** Iterations for one task to take about `targetMs` in this Node thread. */
function calibrate(kernel: Kernel, targetMs: number): number {
  kernel({ seed: 1, iters: 1e6 });
  let iters = 1e6;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    kernel({ seed: 7, iters });
    const ms = performance.now() - started;
    iters = Math.max(1000, Math.round((iters * targetMs) / Math.max(ms, 0.01)));
  }
  return iters;
}

/** Submits a job of `inputs` and returns its wall seconds, startedAt → finishedAt. */
async function runJob(
  coordinator: CoordinatorProcess,
  name: string,
  inputs: unknown[],
  quorum: number,
  estimatedTaskMs: number,
): Promise<number> {
  const created = await coordinator.request('POST', '/api/jobs', {
    name: `bench ${name}`,
    code: KERNEL,
    inputs,
    quorum,
    estimatedTaskMs,
  });
  const job = await coordinator.waitForJob(created.id, 30 * 60_000, 100);
  if (job.state !== 'done')
    throw new Error(
      `${name} ended ${job.state}: ${JSON.stringify(job.counts)}`,
    );
  return (job.finishedAt - job.startedAt) / 1000;
}
