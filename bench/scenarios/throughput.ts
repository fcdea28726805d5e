/**
 * Scenario 2, coordinator throughput: a range job of trivial tasks at
 * quorum 2 through the real coordinator (durable group commit, acks after
 * commit), run by simulated volunteers answering at once. The rate is the
 * job's settled tasks over its own startedAt → finishedAt, both stamped by
 * the coordinator.
 */
import { CoordinatorProcess } from '../lib/coordinator.ts';
import { LoadGen } from '../lib/loadgen.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import { SLOTS, TRIVIAL_CODE, type BenchContext } from './context.ts';

export interface ThroughputRun {
  settledPerSec: number;
  resultsPerSec: number;
  seconds: number;
  peakRssMb: number;
  coordinatorCpuSeconds: number;
}

/** Runs one throughput job; shared with the profile run. */
export async function runThroughput(
  volunteers: number,
  tasks: number,
  profileDir?: string,
): Promise<ThroughputRun> {
  const coordinator = await CoordinatorProcess.start(
    profileDir ? { cpuProfileDir: profileDir } : {},
  );
  const load = await LoadGen.start();
  try {
    await load.volunteers({
      url: coordinator.url,
      count: volunteers,
      slots: SLOTS,
      answer: 'now',
    });
    await warmUp(coordinator, true);
    const cpuBefore = coordinator.cpuSeconds();
    const created = await coordinator.request('POST', '/api/jobs', {
      name: `bench throughput ${volunteers}`,
      code: TRIVIAL_CODE,
      range: { start: 0, end: tasks, step: 1 },
      quorum: 2,
    });
    const job = await coordinator.waitForJob(created.id, 20 * 60_000);
    if (job.state !== 'done')
      throw new Error(`throughput job ended ${job.state}`);
    const seconds = (job.finishedAt - job.startedAt) / 1000;
    const results = job.counts.replicas;
    return {
      settledPerSec: job.counts.settled / seconds,
      resultsPerSec: results / seconds,
      seconds,
      peakRssMb: coordinator.memory().peakRssMb,
      coordinatorCpuSeconds: coordinator.cpuSeconds() - cpuBefore,
    };
  } finally {
    await load.stop();
    await coordinator.stop();
  }
}

/**
 * A small job first, so the measured one meets a coordinator whose code is
 * compiled. Without volunteers of the caller's, a hundred come for it.
 */
export async function warmUp(
  coordinator: CoordinatorProcess,
  ownVolunteers = false,
) {
  const load = ownVolunteers ? null : await LoadGen.start();
  try {
    if (load)
      await load.volunteers({
        url: coordinator.url,
        count: 100,
        slots: SLOTS,
        answer: 'now',
      });
    const created = await coordinator.request('POST', '/api/jobs', {
      name: 'bench warm-up',
      code: TRIVIAL_CODE,
      range: { start: 0, end: 3000, step: 1 },
      quorum: 2,
    });
    await coordinator.waitForJob(created.id, 60_000, 50);
  } finally {
    await load?.stop();
  }
}

export async function throughputScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const rows: (string | number)[][] = [];
  const data: Record<string, unknown> = {};
  const tasks = ctx.sizes.throughputTasks;
  for (const volunteers of ctx.sizes.volunteerCounts) {
    const run = await runThroughput(volunteers, tasks);
    ctx.throughput.set(volunteers, run);
    const ceiling = ctx.transportRoundTripsPerSec.get(volunteers) ?? NaN;
    const vsTransport = run.resultsPerSec / ceiling;
    rows.push([
      volunteers,
      tasks,
      run.seconds,
      run.settledPerSec,
      run.resultsPerSec,
      vsTransport,
      run.coordinatorCpuSeconds / run.seconds,
      run.peakRssMb,
    ]);
    data[`volunteers${volunteers}`] = {
      tasks,
      seconds: round(run.seconds),
      settledPerSec: round(run.settledPerSec),
      resultsPerSec: round(run.resultsPerSec),
      vsTransport: round(vsTransport),
      coordinatorCpuShare: round(run.coordinatorCpuSeconds / run.seconds),
      peakRssMb: round(run.peakRssMb),
    };
  }
  return {
    title: '2. Coordinator throughput (quorum 2, durable)',
    columns: [
      'volunteers',
      'tasks',
      'seconds',
      'settled/s',
      'results/s',
      'results/s ÷ ceiling',
      'coordinator CPU (cores)',
      'peak RSS MB',
    ],
    rows,
    data,
  };
}
