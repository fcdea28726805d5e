/**
 * Scenario 6, connections: `idleConnections` volunteers that say hello with
 * no slots and then only answer pings, held by one load generator, while a
 * second one runs scenario 5's paced fleet. RSS per connection is the
 * coordinator's RSS growth over the idle sockets, divided by their number.
 */
import { CoordinatorProcess } from '../lib/coordinator.ts';
import { LoadGen } from '../lib/loadgen.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import type { BenchContext } from './context.ts';
import { warmUp } from './throughput.ts';
import { halfLoad, measureLatency } from './latency.ts';

export async function connectionsScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const idle = ctx.sizes.idleConnections;
  const coordinator = await CoordinatorProcess.start();
  const holder = await LoadGen.start();
  try {
    await warmUp(coordinator);
    await sleep(500);
    const before = coordinator.memory().rssMb;
    const openStarted = performance.now();
    const joined = await holder.volunteers(
      {
        url: coordinator.url,
        count: idle,
        slots: 0,
        answer: 'never',
        openConcurrency: 250,
      },
      300_000,
    );
    const openSeconds = (performance.now() - openStarted) / 1000;
    await sleep(1000);
    const after = coordinator.memory().rssMb;
    const perConnectionKb = ((after - before) * 1024) / joined;
    const { volunteers, ratePerSec } = halfLoad(ctx);
    const busy = await measureLatency(ctx, coordinator, volunteers, ratePerSec);
    const l = busy.latency!;
    const peak = coordinator.memory().peakRssMb;
    return {
      title: `6. Connections (${idle.toLocaleString('en-US')} idle + ${volunteers} busy)`,
      columns: [
        'idle sockets',
        'open s',
        'RSS before MB',
        'RSS after MB',
        'KB per socket',
        'busy results/s',
        'busy p50 ms',
        'busy p99 ms',
        'peak RSS MB',
      ],
      rows: [
        [
          joined,
          openSeconds,
          before,
          after,
          perConnectionKb,
          busy.achievedPerSec,
          l.p50Ms,
          l.p99Ms,
          peak,
        ],
      ],
      data: {
        idleConnections: joined,
        openSeconds: round(openSeconds),
        rssBeforeMb: round(before),
        rssAfterMb: round(after),
        rssPerConnectionKb: round(perConnectionKb),
        busyVolunteers: volunteers,
        busyResultsPerSec: round(busy.achievedPerSec),
        busyP50Ms: round(l.p50Ms),
        busyP99Ms: round(l.p99Ms),
        peakRssMb: round(peak),
      },
    };
  } finally {
    await holder.stop();
    await coordinator.stop();
  }
}
