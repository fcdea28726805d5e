/**
 * `--profile`: scenario 2's largest fleet again, with the coordinator under
 * `node --cpu-prof`; the profile is kept in bench/results/profiles/ and its
 * hot spots printed.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readProfile } from '../lib/profile.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import type { BenchContext } from './context.ts';
import { runThroughput } from './throughput.ts';

export async function profileScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const dir = ctx.profileDir!;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const volunteers = Math.max(...ctx.sizes.volunteerCounts);
  const run = await runThroughput(volunteers, ctx.sizes.throughputTasks, dir);
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    // tsx's loader thread writes a small profile too; the main thread's is the largest.
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const profile = readProfile(file);
  const top = profile.functions.filter((f) => f.name !== '(idle)').slice(0, 20);
  return {
    title: `Profile of the coordinator (scenario 2, ${volunteers} volunteers, --cpu-prof)`,
    columns: ['self ms', 'share', 'function', 'where'],
    rows: [
      ...profile.areas.map((a) => [a.selfMs, a.share, `[area] ${a.name}`, '']),
      ...top.map((f) => [f.selfMs, f.share, f.name, f.where]),
    ],
    data: {
      file,
      settledPerSec: round(run.settledPerSec),
      areas: profile.areas.map((a) => ({
        area: a.name,
        share: round(a.share),
      })),
      top: top.map((f) => ({
        fn: f.name,
        where: f.where,
        share: round(f.share),
      })),
    },
  };
}
