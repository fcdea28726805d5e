/**
 * What the volunteer page shows, as one immutable snapshot. The same object
 * is exposed read-only on `window.__tabgridStatus` for the fleet and tests.
 * Free of DOM types, so Node-side tests can import it.
 */
import type { ClientState } from '../../../shared/volunteer-client.ts';

/** The volunteer's choices, kept in localStorage by settings.ts. */
export interface Settings {
  /** Workers (slots) to offer, 1 to the machine's cores. */
  workers: number;
  /** Share of each worker's time to use, in [0.1, 1]. */
  cpuShare: number;
  pauseWhenHidden: boolean;
  pauseOnBattery: boolean;
}

export type PauseReason = 'user' | 'hidden' | 'battery';

export interface JobInfo {
  jobId: string;
  name: string;
  description: string;
}

export interface VolunteerStatus {
  /** The protocol client's state; `idle` before the first start. */
  state: ClientState;
  /** True between start and stop. */
  active: boolean;
  /** Why no new tasks are taken; empty when computing. */
  pauseReasons: PauseReason[];
  volunteerId: string | null;
  /** The job of the task started last: what is running, and for whom. */
  job: JobInfo | null;
  running: number;
  /** Results sent back, outputs and errors alike. */
  tasksDone: number;
  /** Results that were errors (thrown, timed out or crashed). */
  tasksFailed: number;
  /** Time spent computing, summed over every worker. */
  cpuMs: number;
  /** From the server's `credit` frames: work that a quorum validated. */
  credit: { validated: number; rejected: number; creditMs: number };
  /** Server errors and page failures, latest last, at most MAX_ERRORS. */
  errors: string[];
  /** The latest error of any kind, task errors included, for display. */
  lastError: string | null;
  settings: Settings;
  batteryKnown: boolean;
}

export const MAX_ERRORS = 20;

export function initialStatus(settings: Settings): VolunteerStatus {
  return {
    state: 'idle',
    active: false,
    pauseReasons: [],
    volunteerId: null,
    job: null,
    running: 0,
    tasksDone: 0,
    tasksFailed: 0,
    cpuMs: 0,
    credit: { validated: 0, rejected: 0, creditMs: 0 },
    errors: [],
    lastError: null,
    settings,
    batteryKnown: false,
  };
}

export function withError(
  status: VolunteerStatus,
  message: string,
): Partial<VolunteerStatus> {
  return {
    errors: [...status.errors, message].slice(-MAX_ERRORS),
    lastError: message,
  };
}
