/** The headline figures of latest.json and the targets, met or not. */
import type { BenchContext } from '../scenarios/context.ts';
import { round, type ScenarioResult } from './report.ts';

export const TARGETS = {
  vsBullmq: 2,
  vsTransport: 0.5,
  millionTaskPeakRssMb: 300,
  browserEfficiency: 0.9,
  assignP99Ms: 5,
};

export function summarize(
  ctx: BenchContext,
  results: Record<string, ScenarioResult>,
) {
  const num = (n: string, key: string): number | null => {
    const v = results[n]?.data[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const most = Math.max(...ctx.sizes.volunteerCounts);
  const run = ctx.throughput.get(most);
  const ceiling = ctx.transportRoundTripsPerSec.get(most);
  const vsTransport =
    run && ceiling ? round(run.resultsPerSec / ceiling) : null;
  const ratios = {
    vsBullmq: num('3', 'vsBullmq'),
    vsTransport,
    browserEfficiency: num('7', 'efficiency'),
  };
  const memory = {
    millionTaskPeakRssMb: num('4', 'peakRssMb'),
    /** Tasks of the scale job that gave the figure above (a million in full mode). */
    millionTaskJobTasks: num('4', 'tasks'),
    rssPerIdleConnectionKb: num('6', 'rssPerConnectionKb'),
  };
  const latency = {
    assignP50Ms: num('5', 'p50Ms'),
    assignP99Ms: num('5', 'p99Ms'),
    assignP99WithIdleConnectionsMs: num('6', 'busyP99Ms'),
    /** Seen by the probe: a few one-slot volunteers in a process of their own. */
    probeAssignP99Ms: (() => {
      const p = results['5']?.data.probe as { p99Ms?: number } | undefined;
      return typeof p?.p99Ms === 'number' ? p.p99Ms : null;
    })(),
    /** The coordinator's histogram: the bucket its p99 falls under (frame handled to assign). */
    coordinatorAssignP99AtMostMs: (() => {
      const c = results['5']?.data.coordinator as
        { p99AtMostMs?: number } | undefined;
      return typeof c?.p99AtMostMs === 'number' &&
        Number.isFinite(c.p99AtMostMs)
        ? c.p99AtMostMs
        : null;
    })(),
  };
  return withTargets({ ratios, memory, latency });
}

export interface Figures {
  ratios: Record<
    'vsBullmq' | 'vsTransport' | 'browserEfficiency',
    number | null
  >;
  memory: Record<
    'millionTaskPeakRssMb' | 'millionTaskJobTasks' | 'rssPerIdleConnectionKb',
    number | null
  >;
  latency: Record<string, number | null>;
}

/** The figures with each of the targets marked met or not. */
export function withTargets(figures: Figures) {
  const { ratios, memory, latency } = figures;
  const vsTransport = ratios.vsTransport;
  const atLeast = (v: number | null, t: number) => (v === null ? null : v >= t);
  const atMost = (v: number | null, t: number) => (v === null ? null : v <= t);
  const targets = {
    vsBullmq: {
      target: `>= ${TARGETS.vsBullmq}`,
      met: atLeast(ratios.vsBullmq, TARGETS.vsBullmq),
    },
    vsTransport: {
      target: `>= ${TARGETS.vsTransport}`,
      met: atLeast(vsTransport, TARGETS.vsTransport),
    },
    millionTaskPeakRssMb: {
      target: `<= ${TARGETS.millionTaskPeakRssMb}`,
      met: atMost(memory.millionTaskPeakRssMb, TARGETS.millionTaskPeakRssMb),
      ...(memory.millionTaskJobTasks !== 1_000_000
        ? {
            caveat: `scale job had ${memory.millionTaskJobTasks} tasks, not 1,000,000`,
          }
        : {}),
    },
    browserEfficiency: {
      target: `>= ${TARGETS.browserEfficiency}`,
      met: atLeast(ratios.browserEfficiency, TARGETS.browserEfficiency),
    },
    assignP99Ms: {
      target: `<= ${TARGETS.assignP99Ms}`,
      met: atMost(latency.assignP99Ms ?? null, TARGETS.assignP99Ms),
    },
  };
  return { ratios, memory, latency, targets };
}

/**
 * Several rounds' figures as one: each figure the median of the rounds that
 * measured it (the lower middle one for an even count), targets judged on
 * the medians.
 */
export function medianOfRounds(rounds: Figures[]) {
  const median = (values: (number | null)[]): number | null => {
    const xs = values
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    return xs.length === 0 ? null : xs[Math.floor((xs.length - 1) / 2)]!;
  };
  const group = <K extends keyof Figures>(key: K): Figures[K] => {
    const names = Object.keys(rounds[0]![key]);
    return Object.fromEntries(
      names.map((name) => [
        name,
        median(
          rounds.map(
            (r) => (r[key] as Record<string, number | null>)[name] ?? null,
          ),
        ),
      ]),
    ) as Figures[K];
  };
  return withTargets({
    ratios: group('ratios'),
    memory: group('memory'),
    latency: group('latency'),
  });
}
