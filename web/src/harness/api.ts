/**
 * The harness page's surface on `window.__tabgridHarness`, used by
 * e2e/sandbox.test.ts to drive a real WorkerPool in a real browser. Free of
 * DOM types, so the Node-side test can import it.
 */
import type { Lease } from '../../../shared/protocol.ts';
import type { TaskOutcome } from '../../../shared/volunteer-client.ts';

export interface HarnessRun {
  outcome: TaskOutcome;
  /** Every fraction that reached the page through ctx.progress. */
  progress: number[];
}

export interface Harness {
  /** Runs `code` as a job with one task; unset lease fields get defaults. */
  run(code: string, lease?: Partial<Lease>): Promise<HarnessRun>;
  /** Resolves with the first progress fraction reported for a lease. */
  firstProgress(leaseId: number): Promise<number>;
  cancel(leaseId: number): void;
  resize(size: number): void;
  stats(): { size: number; workers: number; busy: number };
}

export const HARNESS_GLOBAL = '__tabgridHarness';
