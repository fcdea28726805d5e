/**
 * Tasks ended per second, per job, for the last `windowSeconds`: the series
 * behind the dashboard's throughput chart. One small ring of counters per
 * job that has ended a task recently; idle jobs are forgotten.
 */
import type { ThroughputPoint } from '../../shared/api-types.ts';
import type { Coordinator } from '../coordinator.ts';

export class Throughput {
  private readonly series = new Map<string, Map<number, ThroughputPoint>>();

  constructor(
    coordinator: Coordinator,
    private readonly windowSeconds = 600,
  ) {
    coordinator.on('task:ended', ({ jobId, state }) =>
      this.count(jobId, state),
    );
  }

  count(jobId: string, state: 'settled' | 'failed', now = Date.now()): void {
    const second = Math.floor(now / 1000) * 1000;
    let points = this.series.get(jobId);
    if (!points) this.series.set(jobId, (points = new Map()));
    let point = points.get(second);
    if (!point) {
      point = { t: second, settled: 0, failed: 0 };
      points.set(second, point);
      this.trim(points, second);
    }
    point[state]++;
  }

  /** One point per second of the window up to now, zeros included, oldest first. */
  of(jobId: string, now = Date.now()): ThroughputPoint[] {
    const points = this.series.get(jobId);
    if (!points || points.size === 0) return [];
    const last = Math.floor(now / 1000) * 1000;
    const first = Math.max(
      Math.min(...points.keys()),
      last - (this.windowSeconds - 1) * 1000,
    );
    const out: ThroughputPoint[] = [];
    for (let t = first; t <= last; t += 1000) {
      out.push(points.get(t) ?? { t, settled: 0, failed: 0 });
    }
    return out;
  }

  private trim(points: Map<number, ThroughputPoint>, now: number): void {
    const oldest = now - this.windowSeconds * 1000;
    for (const t of points.keys()) if (t < oldest) points.delete(t);
  }
}
