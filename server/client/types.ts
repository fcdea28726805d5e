/** The shapes the Node client sends and receives; they mirror the REST API. */
import type { z } from 'zod';
import type { specSchema } from '../../shared/spec.ts';
import type { JobParams } from '../store/jobs.ts';

export type { JobParams };

/** A job spec as the server accepts it; every field with a default may be left out. */
export type JobSpecInput = z.input<typeof specSchema>;

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** States a job never leaves. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set([
  'done',
  'failed',
  'cancelled',
]);

export interface JobCounts {
  total: number;
  /** Tasks whose output (or agreed error) is decided. */
  settled: number;
  /** Tasks given up on: no quorum within maxReplicas, or leases lost. */
  failed: number;
  /** Settled tasks whose agreed result is an error thrown by the job code. */
  errored: number;
  pending: number;
  /** Replicas out with volunteers right now. */
  leased: number;
  replicas: number;
  reissued: number;
}

/** GET /api/jobs/:id. Times are milliseconds since the epoch. */
export interface JobView {
  id: string;
  name: string;
  description: string;
  state: JobState;
  /** False while a job created with `upload: true` waits for its inputs. */
  inputsComplete: boolean;
  counts: JobCounts;
  params: JobParams;
  codeHash: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** With a `reduce` export: the level running and, once done, the single value. */
  reduce?: { level: number; done: boolean; value: unknown } | null;
  /** How sure the settled outputs are and what verifying them cost. */
  trust?: {
    verification: 'quorum' | 'adaptive';
    replicasPerSettled: number | null;
    disagreements: number;
    checks: number;
    reopened: number;
    volunteersBanned: number;
    errorBound: number | null;
  };
}

/** The error of one task, as its replicas reported it or as the server decided. */
export interface TaskError {
  message: string;
  /** `NO_QUORUM` or `LEASES_LOST` when the server gave the task up. */
  code?: string;
  kind?: 'thrown' | 'timeout' | 'crashed';
  stack?: string;
}

/** One line of a job's results, in task index order. */
export type ResultLine =
  { index: number; output: unknown } | { index: number; error: TaskError };

export interface KeyView {
  id: string;
  name: string;
  role: 'admin' | 'requester';
  createdAt: number;
  revokedAt: number | null;
}

/** POST /api/keys: the only time the secret is shown. */
export interface CreatedKey {
  id: string;
  name: string;
  role: 'admin' | 'requester';
  /** The secret to send as `Authorization: Bearer <key>`. */
  key: string;
  createdAt: number;
}

export interface WhoAmI {
  id: string;
  name: string;
  role: 'admin' | 'requester';
}
