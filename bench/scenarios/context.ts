/** What every scenario is given, and what earlier ones leave for later ones. */
import type { Sizes } from '../lib/sizes.ts';

export interface BenchContext {
  quick: boolean;
  sizes: Sizes;
  /** Where the coordinator writes `--cpu-prof` profiles, when asked. */
  profileDir: string | undefined;
  /** Scenario 1: round trips per second, by connection count. */
  transportRoundTripsPerSec: Map<number, number>;
  /** Scenario 2: settled tasks and results per second, by volunteer count. */
  throughput: Map<number, { settledPerSec: number; resultsPerSec: number }>;
}

/** The job module of the throughput scenarios: as trivial as the load generator's answer. */
export const TRIVIAL_CODE =
  'export default (input) => (input.start ?? input.n ?? 0) * 2;';

/** Scenario 2's slots per simulated volunteer; prefetch is the coordinator's default, 2. */
export const SLOTS = 4;
export const PREFETCH = 2;
