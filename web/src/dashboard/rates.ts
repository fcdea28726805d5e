/**
 * A job's per-second series as the page shows it, and the rate and time
 * left read from it. The server sends a snapshot only when the job changes,
 * so a stalled job's series stops at its last change: the page carries it
 * on to the present with zeros, by the server's clock.
 */
import type { ThroughputPoint } from '../../../shared/api-types.ts';

/** Seconds of history the rate is averaged over. */
const RATE_SECONDS = 15;
/** The server keeps ten minutes of history. */
const CHART_SECONDS = 600;

/**
 * The whole seconds of `series` before `nowMs`, with zeros for the seconds
 * since its last point. The second in progress is partial, so it is left out
 * unless the job is final, when nothing more will come.
 */
export function wholeSeconds(
  series: ThroughputPoint[],
  nowMs: number,
  final: boolean,
): ThroughputPoint[] {
  const first = series[0];
  if (!first || final) return series;
  const current = Math.floor(nowMs / 1000) * 1000;
  const out = series.filter((p) => p.t < current);
  let t = (out.at(-1)?.t ?? first.t - 1000) + 1000;
  for (; t < current; t += 1000) out.push({ t, settled: 0, failed: 0 });
  return out.slice(-CHART_SECONDS);
}

/** Tasks ended per second over the last 15 s of `points`; null with none. */
export function recentRate(points: ThroughputPoint[]): number | null {
  const recent = points.slice(-RATE_SECONDS);
  if (recent.length === 0) return null;
  const ended = recent.reduce((sum, p) => sum + p.settled + p.failed, 0);
  return ended / recent.length;
}

/** Milliseconds until `pending` tasks end at `perSecond`; null when unknown. */
export function etaMs(
  pending: number,
  perSecond: number | null,
): number | null {
  if (pending === 0) return 0;
  if (perSecond === null || perSecond <= 0) return null;
  return (pending / perSecond) * 1000;
}
