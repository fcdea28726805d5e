/**
 * Scenario 5, assignment latency at half load: scenario 2's largest fleet,
 * its answers paced so that results arrive at half the rate that saturated
 * scenario 2. Latency is from a result leaving a volunteer (its slot is
 * free: a task is requested) to the `assign` that refills the slot. It is
 * read in two places: by the load generator, whose one event loop serves
 * the whole fleet and its 1 ms pacer, and by a probe, a second process
 * with a few volunteers of one slot each and an otherwise idle loop, which
 * sees the coordinator as one volunteer's tab would. Also used by scenario
 * 6 with idle sockets beside.
 */
import { CoordinatorProcess } from '../lib/coordinator.ts';
import { LoadGen, type LoadStats } from '../lib/loadgen.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import { SLOTS, TRIVIAL_CODE, type BenchContext } from './context.ts';
import {
  quantileBound,
  readBuckets,
  readSumCount,
  shareUnder,
} from '../lib/histogram.ts';
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

/** The probe's fleet: few sockets, one slot each, a small share of the load. */
const PROBE_VOLUNTEERS = 16;
function probeRate(ratePerSec: number): number {
  return Math.max(100, Math.round(ratePerSec / 50));
}

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
  /** Young-generation collections in the window: each stops the loop. */
  minorGcs: number;
  minorGcMeanMs: number;
}

const GC_HISTOGRAM = 'tabgrid_nodejs_gc_duration_seconds';
const minorGc = (text: string) =>
  readSumCount(text, GC_HISTOGRAM, 'kind="minor"');

/** Runs paced volunteers on a job long enough for the window; returns their stats. */
export async function measureLatency(
  ctx: BenchContext,
  coordinator: CoordinatorProcess,
  volunteers: number,
  ratePerSec: number,
): Promise<
  LoadStats & {
    achievedPerSec: number;
    coordinator: CoordinatorLatency;
    probe: LoadStats;
  }
> {
  const load = await LoadGen.start();
  const probe = await LoadGen.start();
  try {
    await load.volunteers({
      url: coordinator.url,
      count: volunteers,
      slots: SLOTS,
      answer: 'paced',
      ratePerSec,
    });
    await probe.volunteers({
      url: coordinator.url,
      count: PROBE_VOLUNTEERS,
      slots: 1,
      answer: 'paced',
      ratePerSec: probeRate(ratePerSec),
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
    await Promise.all([load.reset(), probe.reset()]);
    const scrapeBefore = await coordinator.metrics();
    const before = readBuckets(scrapeBefore, ASSIGN_HISTOGRAM);
    const started = performance.now();
    await sleep(latencyDurationMs);
    const [stats, probeStats] = await Promise.all([
      load.stats(),
      probe.stats(),
    ]);
    const scrapeAfter = await coordinator.metrics();
    const after = readBuckets(scrapeAfter, ASSIGN_HISTOGRAM);
    const gcBefore = minorGc(scrapeBefore);
    const gcAfter = minorGc(scrapeAfter);
    const minorGcs = gcAfter.count - gcBefore.count;
    const achievedPerSec =
      stats.results / ((performance.now() - started) / 1000);
    await coordinator.request('POST', `/api/jobs/${created.id}/cancel`);
    return {
      ...stats,
      achievedPerSec,
      probe: probeStats,
      coordinator: {
        assigns: quantileBound(before, after, 0.5).count,
        p50AtMostMs: quantileBound(before, after, 0.5).bound * 1000,
        p99AtMostMs: quantileBound(before, after, 0.99).bound * 1000,
        shareWithin5Ms: shareUnder(before, after, 0.005),
        minorGcs,
        minorGcMeanMs:
          minorGcs > 0 ? ((gcAfter.sum - gcBefore.sum) * 1000) / minorGcs : 0,
      },
    };
  } finally {
    await Promise.all([load.stop(), probe.stop()]);
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
    const p = stats.probe.latency;
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
        'probe samples',
        'probe p50 ms',
        'probe p99 ms',
        'coordinator p99 ≤ ms',
        'coordinator ≤ 5 ms',
        'minor GCs',
        'mean GC ms',
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
          p?.count ?? 0,
          p?.p50Ms ?? '-',
          p?.p99Ms ?? '-',
          stats.coordinator.p99AtMostMs,
          stats.coordinator.shareWithin5Ms,
          stats.coordinator.minorGcs,
          stats.coordinator.minorGcMeanMs,
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
        probe: {
          volunteers: PROBE_VOLUNTEERS,
          ratePerSec: probeRate(ratePerSec),
          samples: p?.count ?? 0,
          p50Ms: p ? round(p.p50Ms) : null,
          p99Ms: p ? round(p.p99Ms) : null,
          maxMs: p ? round(p.maxMs) : null,
        },
        coordinator: {
          assigns: stats.coordinator.assigns,
          p50AtMostMs: stats.coordinator.p50AtMostMs,
          p99AtMostMs: stats.coordinator.p99AtMostMs,
          shareWithin5Ms: round(stats.coordinator.shareWithin5Ms),
          minorGcs: stats.coordinator.minorGcs,
          minorGcMeanMs: round(stats.coordinator.minorGcMeanMs),
        },
      },
      notes: [
        'latency is seen by the load generator: it includes two loopback ' +
          'hops and its own event loop',
        `probe columns: ${PROBE_VOLUNTEERS} one-slot volunteers in their own ` +
          'process, beside the load',
        'coordinator columns: its own histogram (frame handled -> assign ' +
          'sent), as the bucket bound the p99 falls under',
      ],
    };
  } finally {
    await coordinator.stop();
  }
}
