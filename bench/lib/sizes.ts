/** How big each scenario runs, in full and in `--quick` mode. */
export interface Sizes {
  /** Simulated volunteer counts of scenarios 1 and 2. */
  volunteerCounts: number[];
  /** Tasks of each throughput job (and BullMQ jobs in scenario 3). */
  throughputTasks: number;
  transportWarmupMs: number;
  transportDurationMs: number;
  scaleTasks: number;
  scaleVolunteers: number;
  latencyWarmupMs: number;
  latencyDurationMs: number;
  idleConnections: number;
  /** Tasks of the CPU-bound browser job, and Node milliseconds each. */
  browserTasks: number;
  browserTaskMs: number;
  tinyTasks: number;
}

export const FULL: Sizes = {
  volunteerCounts: [100, 1000],
  throughputTasks: 100_000,
  transportWarmupMs: 2_000,
  transportDurationMs: 10_000,
  scaleTasks: 1_000_000,
  scaleVolunteers: 1000,
  latencyWarmupMs: 3_000,
  latencyDurationMs: 20_000,
  idleConnections: 10_000,
  browserTasks: 64,
  browserTaskMs: 500,
  tinyTasks: 4000,
};

export const QUICK: Sizes = {
  volunteerCounts: [100, 1000],
  throughputTasks: 10_000,
  transportWarmupMs: 1_000,
  transportDurationMs: 3_000,
  scaleTasks: 30_000,
  scaleVolunteers: 1000,
  latencyWarmupMs: 1_000,
  latencyDurationMs: 5_000,
  idleConnections: 2_000,
  // Long enough per tab (8 tasks) that a job's start and end, and each
  // worker's first task, do not decide the figure: 4 tasks of 200 ms gave 0.55.
  browserTasks: 16,
  browserTaskMs: 300,
  tinyTasks: 300,
};
