/**
 * The scheduler's vocabulary. A job holds tasks; each task is run as
 * replicas; each replica is handed to a volunteer as a lease with a
 * deadline. These types carry no I/O: the store fills them, sockets read them.
 */
import type { Compare } from '../../shared/spec.ts';

export interface JobInfo {
  id: string;
  /** The API key id that owns the job: fairness is shared between owners. */
  owner: string;
  redundancy: number;
  quorum: number;
  maxReplicas: number;
  compare: Compare;
  timeoutMs: number;
  createdAt: number;
  verification: 'quorum' | 'adaptive';
  targetErrorRate: number;
  spotCheckRate: number;
}

/** A task not yet settled, as loaded from the store. */
export interface TaskRecord {
  jobId: string;
  index: number;
  /** The input as JSON text, sent to volunteers as it is. */
  inputJson: string;
  /** Smith's rule: weight / estimated milliseconds. Higher runs first. */
  priority: number;
  /** Results already recorded before a restart, in arrival order. */
  results: ResultRecord[];
}

export interface ResultRecord {
  replicaId: number;
  volunteerId: string;
  kind: 'output' | 'error';
  /** Canonical JSON of the output, or of `{ message }` for an error. */
  canonical: string;
  hash: string;
  elapsedMs: number;
  /** The error as stored (message, stack, kind) as JSON text; null for outputs. */
  detail: string | null;
}

/** Where a lease stands in a task's life. */
export type LeaseEnd =
  'returned' | 'expired' | 'lost' | 'released' | 'cancelled';

export interface LeaseRecord {
  id: number;
  jobId: string;
  taskIndex: number;
  inputJson: string;
  volunteerId: string;
  leasedAt: number;
  deadline: number;
  timeoutMs: number;
  /** When the volunteer last reported progress: it started, and may resume after a reconnect. */
  progressedAt?: number;
  /** Past this a backup replica is issued; the lease lives on to `deadline`. */
  softDeadline?: number;
  /** A check: a task whose output is already known, run to test the volunteer. */
  check?: true;
}

/** Reads pending tasks in priority order, a page at a time. */
export interface TaskSource {
  /**
   * Pending tasks of `jobId` after `after` in (priority desc, index asc)
   * order, at most `limit`, each with its earlier results.
   */
  loadPending(
    jobId: string,
    after: TaskCursor | null,
    limit: number,
  ): TaskRecord[];
}

export interface TaskCursor {
  priority: number;
  index: number;
}
