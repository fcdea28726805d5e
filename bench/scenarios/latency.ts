/**
 * Scenario 5, assignment latency at half load: scenario 2's largest fleet,
 * its answers paced so that results arrive at half the rate that saturated
 * scenario 2. Latency is from a result leaving a volunteer (its slot is
 * free: a task is requested) to the `assign` that refills the slot, as the
 * load generator sees it. Also used by scenario 6 with idle sockets beside.
 */
import { CoordinatorProcess } from '../lib/coordinator.ts';
import { LoadGen, type LoadStats } from '../lib/loadgen.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import { SLOTS, TRIVIAL_CODE, type BenchContext } from './context.ts';
import { quantileBound, readBuckets, shareUnder } from '../lib/histogram.ts';
import { warmUp } from './throughput.ts';

/** Used when scenario 2 did not run in this invocation (`--only 5`). */
const FALLBACK_RESULTS_PER_SEC = 8000;

export function halfLoad(ctx: BenchContext): {
  volunteers: number;
  ratePerSec: number;
} {
  const volunteers = Math.max(...ctx.sizes.volunteerCounts);
  const saturated =
    ctx.throughput.get(volunteers)?.resultsPerSec ?? FALLBACK_RESULTS_PER_SEC;
  return { volunteers, ratePerSec: Math.round(saturated / 2) };
}

const ASSIGN_HISTOGRAM = 'tabgrid_assignment_latency_seconds';

/**
 * The coordinator's own reading, from its histogram: from the moment it
 * handled the frame that freed a slot to the `assign` sent. It leaves out
 * the loopback hops and the load generator, and also time a frame waited in
 * the socket before the coordinator's loop got to it.
 */
export interface CoordinatorLatency {
  assigns: number;
  p50AtMostMs: number;
  p99AtMostMs: number;
  shareWithin5Ms: number;
}

/** Runs paced volunteers on a job long enough for the window; returns their stats. */
export async function measureLatency(
  ctx: BenchContext,
  coordinator: CoordinatorProcess,
  volunteers: number,
  ratePerSec: number,
): Promise<
  LoadStats & { achievedPerSec: number; coordinator: CoordinatorLatency }
> {
  const load = await LoadGen.start();
  try {
    await load.volunteers({
      url: coordinator.url,
      count: volunteers,
      slots: SLOTS,
      answer: 'paced',
      ratePerSec,
    });
    const { latencyWarmupMs, latencyDurationMs } = ctx.sizes;
    const seconds = (latencyWarmupMs + latencyDurationMs) / 1000;
    // Half again as many tasks as the window needs, so it never runs dry.
    const tasks = Math.ceil((ratePerSec * seconds * 1.5) / 2) + 1000;
    const created = await coordinator.request('POST', '/api/jobs', {
      name: 'bench latency',
      code: TRIVIAL_CODE,
      range: { start: 0, end: tasks, step: 1 },
      quorum: 2,
    });
    await sleep(latencyWarmupMs);
    await load.reset();
    const before = readBuckets(await coordinator.metrics(), ASSIGN_HISTOGRAM);
    const started = performance.now();
    await sleep(latencyDurationMs);
    const stats = await load.stats();
    const after = readBuckets(await coordinator.metrics(), ASSIGN_HISTOGRAM);
    const achievedPerSec =
      stats.results / ((performance.now() - started) / 1000);
    await coordinator.request('POST', `/api/jobs/${created.id}/cancel`);
    return {
      ...stats,
      achievedPerSec,
      coordinator: {
        assigns: quantileBound(before, after, 0.5).count,
        p50AtMostMs: quantileBound(before, after, 0.5).bound * 1000,
        p99AtMostMs: quantileBound(before, after, 0.99).bound * 1000,
        shareWithin5Ms: shareUnder(before, after, 0.005),
      },
    };
  } finally {
    await load.stop();
  }
}

export async function latencyScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const { volunteers, ratePerSec } = halfLoad(ctx);
  const coordinator = await CoordinatorProcess.start();
  try {
    await warmUp(coordinator);
    const stats = await measureLatency(
      ctx,
      coordinator,
      volunteers,
      ratePerSec,
    );
    const l = stats.latency!;
    return {
      title: '5. Assignment latency at half load',
      columns: [
        'volunteers',
        'target results/s',
        'achieved results/s',
        'samples',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'coordinator p99 ≤ ms',
        'coordinator ≤ 5 ms',
      ],
      rows: [
        [
          volunteers,
          ratePerSec,
          stats.achievedPerSec,
          l.count,
          l.p50Ms,
          l.p90Ms,
          l.p99Ms,
          l.maxMs,
          stats.coordinator.p99AtMostMs,
          stats.coordinator.shareWithin5Ms,
        ],
      ],
      data: {
        volunteers,
        targetResultsPerSec: ratePerSec,
        achievedResultsPerSec: round(stats.achievedPerSec),
        samples: l.count,
        p50Ms: round(l.p50Ms),
        p90Ms: round(l.p90Ms),
        p99Ms: round(l.p99Ms),
        maxMs: round(l.maxMs),
        errors: stats.errors,
        cancels: stats.cancels,
        coordinator: {
          assigns: stats.coordinator.assigns,
          p50AtMostMs: stats.coordinator.p50AtMostMs,
          p99AtMostMs: stats.coordinator.p99AtMostMs,
          shareWithin5Ms: round(stats.coordinator.shareWithin5Ms),
        },
      },
      notes: [
        'latency is seen by the load generator: it includes two loopback ' +
          'hops and its own event loop',
        'coordinator columns: its own histogram (frame handled -> assign ' +
          'sent), as the bucket bound the p99 falls under',
      ],
    };
  } finally {
    await coordinator.stop();
  }
}
