/**
 * `npm run bench [-- --quick] [-- --only 1,2] [-- --profile] [-- --repeat N]`:
 * runs the scenarios of issue 5 in order, prints a table for each and writes
 * bench/results/latest.json. With --repeat, every round runs them all again
 * on fresh processes; the headline figures are then the rounds' medians.
 * See bench/README.md for what each measures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { currentServerRoot, useServerRoot } from './lib/coordinator.ts';
import { parseArgs } from 'node:util';
import { machine, versions } from './lib/machine.ts';
import { printTable, round, type ScenarioResult } from './lib/report.ts';
import { FULL, QUICK } from './lib/sizes.ts';
import { ROOT } from './lib/proc.ts';
import type { BenchContext } from './scenarios/context.ts';
import { transportScenario } from './scenarios/transport.ts';
import { throughputScenario } from './scenarios/throughput.ts';
import { peerScenario } from './scenarios/peer.ts';
import { scaleScenario } from './scenarios/scale.ts';
import { latencyScenario } from './scenarios/latency.ts';
import { connectionsScenario } from './scenarios/connections.ts';
import { browserScenario } from './scenarios/browser.ts';
import { profileScenario } from './scenarios/profile.ts';
import { medianOfRounds, summarize } from './lib/summary.ts';

const SCENARIOS: [number, (ctx: BenchContext) => Promise<ScenarioResult>][] = [
  [1, transportScenario],
  [2, throughputScenario],
  [3, peerScenario],
  [4, scaleScenario],
  [5, latencyScenario],
  [6, connectionsScenario],
  [7, browserScenario],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      'server-root': { type: 'string' },
      repeat: { type: 'string', default: '1' },
    },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20)
    throw new Error(
      `--repeat must be a whole number from 1 to 20, not ${values.repeat}`,
    );
  if (values['server-root']) useServerRoot(resolve(values['server-root']));
  const only = values.only ? new Set(values.only.split(',').map(Number)) : null;
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const newContext = (): BenchContext => ({
    quick: values.quick,
    sizes: values.quick ? QUICK : FULL,
    profileDir: values.profile ? join(resultsDir, 'profiles') : undefined,
    transportRoundTripsPerSec: new Map(),
    throughput: new Map(),
  });
  const started = Date.now();
  const rounds: ReturnType<typeof summarize>[] = [];
  let ctx = newContext();
  let results: Record<string, ScenarioResult> = {};
  for (let n = 1; n <= repeat; n++) {
    if (repeat > 1) process.stdout.write(`\n# Round ${n} of ${repeat}\n`);
    ctx = newContext();
    results = await runScenarios(ctx, only);
    rounds.push(summarize(ctx, results));
  }
  if (ctx.profileDir) {
    const profile = await profileScenario(ctx);
    results.profile = profile;
    printTable(profile);
  }
  const report = {
    generatedAt: new Date().toISOString(),
    mode: values.quick ? 'quick' : 'full',
    wallSeconds: round((Date.now() - started) / 1000),
    machine: machine(),
    versions: versions(),
    coordinatorSource: serverSource(currentServerRoot()),
    rounds: repeat,
    ...(repeat > 1 ? medianOfRounds(rounds) : rounds[0]!),
    ...(repeat > 1 ? { perRound: rounds } : {}),
    scenarios: Object.fromEntries(
      Object.entries(results).map(([k, r]) => [
        k,
        { title: r.title, skipped: r.skipped, ...r.data },
      ]),
    ),
  };
  const out = values.out ?? join(resultsDir, 'latest.json');
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(
    `\n## Summary\n${JSON.stringify(
      {
        ratios: report.ratios,
        memory: report.memory,
        latency: report.latency,
        targets: report.targets,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\nwrote ${out} in ${report.wallSeconds} s\n`);
}

/** One round: every chosen scenario in order, each table printed as it ends. */
async function runScenarios(
  ctx: BenchContext,
  only: Set<number> | null,
): Promise<Record<string, ScenarioResult>> {
  const results: Record<string, ScenarioResult> = {};
  for (const [n, scenario] of SCENARIOS) {
    if (only && !only.has(n)) continue;
    const t0 = Date.now();
    const loadBefore = loadavg()[0]!;
    let result: ScenarioResult;
    try {
      result = await scenario(ctx);
    } catch (err) {
      result = {
        title: `${n}. (failed)`,
        columns: [],
        rows: [],
        data: {},
        skipped: `failed: ${(err as Error).stack ?? String(err)}`,
      };
    }
    result.data.wallSeconds = round((Date.now() - t0) / 1000);
    // The machine is shared: a load average above its cores means the figures are noisy.
    result.data.loadAverage1m = {
      before: round(loadBefore),
      after: round(loadavg()[0]!),
    };
    results[String(n)] = result;
    printTable(result);
  }
  return results;
}

/** Which code the coordinator ran: the commit, and whether the tree differed from it. */
function serverSource(dir: string): {
  dir: string;
  commit: string | null;
  dirty: boolean | null;
} {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    if (dir !== ROOT) return { dir, commit, dirty: null };
    const status = execFileSync(
      'git',
      ['status', '--porcelain', 'server', 'shared'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    return { dir, commit, dirty: status.trim().length > 0 };
  } catch {
    return { dir, commit: null, dirty: null };
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
