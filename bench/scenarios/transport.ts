/**
 * Scenario 1, the transport ceiling: a bare `ws` echo server in its own
 * process, driven by the same load-generator process, connection counts and
 * in-flight window (slots × prefetch) as scenario 2.
 */
import { LoadGen } from '../lib/loadgen.ts';
import { forkScript, nextMessage, stopChild } from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import { PREFETCH, SLOTS, type BenchContext } from './context.ts';

export async function transportScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const server = forkScript('loadgen/echo-server.ts');
  const rows: (string | number)[][] = [];
  const data: Record<string, unknown> = {};
  try {
    const { url } = await nextMessage<{ url: string }>(
      server,
      (m) => m?.event === 'listening',
      30_000,
      'echo server',
    );
    for (const count of ctx.sizes.volunteerCounts) {
      const load = await LoadGen.start();
      try {
        const report = await load.echo({
          url,
          count,
          window: SLOTS * PREFETCH,
          warmupMs: ctx.sizes.transportWarmupMs,
          durationMs: ctx.sizes.transportDurationMs,
        });
        ctx.transportRoundTripsPerSec.set(count, report.roundTripsPerSec);
        rows.push([
          count,
          SLOTS * PREFETCH,
          report.frameBytes,
          report.roundTrips,
          report.roundTripsPerSec,
        ]);
        data[`connections${count}`] = {
          roundTripsPerSec: round(report.roundTripsPerSec),
          frameBytes: report.frameBytes,
          seconds: round(report.seconds),
        };
      } finally {
        await load.stop();
      }
    }
  } finally {
    await stopChild(server);
  }
  return {
    title: '1. Transport ceiling (bare ws echo)',
    columns: [
      'connections',
      'in flight each',
      'frame bytes',
      'round trips',
      'round trips/s',
    ],
    rows,
    data,
  };
}
