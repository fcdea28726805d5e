/**
 * The JSON the REST API returns to requesters: jobs, tasks and their
 * replicas, results, live snapshots, volunteers and keys. The server builds
 * these (server/http/views.ts and the routes); the Node client and the
 * dashboard read them. Times are milliseconds since the epoch.
 */
import type { TaskErrorInfo } from './protocol.ts';
import type { JobSpec } from './spec.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** States a job never leaves. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set([
  'done',
  'failed',
  'cancelled',
]);

/** A job's scheduling parameters: its spec's, defaults filled in. */
export type JobParams = Pick<
  JobSpec,
  | 'redundancy'
  | 'quorum'
  | 'maxReplicas'
  | 'compare'
  | 'timeoutMs'
  | 'weight'
  | 'estimatedTaskMs'
  | 'reduceBatchSize'
  | 'verification'
  | 'targetErrorRate'
  | 'spotCheckRate'
> & {
  /** The module exports `reduce`: the job ends with a reduce stage. */
  reduce: boolean;
};

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

/** How sure a job's settled outputs are and what verifying them cost. */
export interface JobTrust {
  verification: 'quorum' | 'adaptive';
  /** Replicas issued, checks included, per task settled so far. */
  replicasPerSettled: number | null;
  disagreements: number;
  checks: number;
  reopened: number;
  volunteersBanned: number;
  /** Mean probability that a settled output is wrong. */
  errorBound: number | null;
}

/** GET /api/jobs/:id, and each job of GET /api/jobs. */
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
  /** With a `reduce` export: the level running and, once done, the value. */
  reduce: { level: number; done: boolean; value: unknown } | null;
  trust: JobTrust;
}

/** The error of one task, as its replicas reported it or as the server decided. */
export interface TaskError extends TaskErrorInfo {
  /** `NO_QUORUM` or `LEASES_LOST` when the server gave the task up. */
  code?: string;
}

/** One line of GET /api/jobs/:id/results, in task index order. */
export type ResultLine =
  { index: number; output: unknown } | { index: number; error: TaskError };

/** One task of GET /api/jobs/:id/tasks. */
export interface TaskView {
  index: number;
  state: 'pending' | 'settled' | 'failed';
  input: unknown;
  output?: unknown;
  error?: TaskError;
  resultHash: string | null;
  settledAt: number | null;
  /** Replicas of this task out with volunteers now (task pages only). */
  leased?: number;
}

/** One replica of a task: ended (with its result) or still leased. */
export interface ReplicaView {
  id: number;
  volunteerId: string;
  /** returned | expired | lost | released | cancelled, or leased while live. */
  state: string;
  leasedAt: number;
  endedAt?: number;
  elapsedMs?: number | null;
  /** When a live lease runs out. */
  deadline?: number;
  output?: unknown;
  error?: TaskError;
  resultHash?: string | null;
  /** pending | agreed | disagreed | none. */
  verdict: string;
}

/** GET /api/jobs/:id/tasks/:index. */
export interface TaskDetail extends TaskView {
  replicas: ReplicaView[];
}

export interface ThroughputPoint {
  /** Start of the second. */
  t: number;
  settled: number;
  failed: number;
}

/** One `snapshot` event of GET /api/jobs/:id/events. */
export interface JobSnapshot {
  job: JobView;
  throughput: ThroughputPoint[];
  volunteers: { volunteerId: string; leased: number }[];
  at: number;
}

/** One volunteer of GET /api/volunteers. */
export interface VolunteerView {
  id: string;
  online: boolean;
  slots: number;
  leased: number;
  agent: string | null;
  agreed: number;
  disagreed: number;
  creditMs: number;
  canariesPassed: number;
  canariesFailed: number;
  /** Probability that a result of theirs is right, from their record. */
  credibility: number;
  banned: boolean;
  bannedReason: string | null;
  lastSeenAt: number;
  connectedAt: number | null;
  tasksThisSession: number;
}

export type Role = 'admin' | 'requester';

/** GET /api/whoami: the key making the request. */
export interface WhoAmI {
  id: string;
  name: string;
  role: Role;
}

export interface KeyView extends WhoAmI {
  createdAt: number;
  revokedAt: number | null;
}

/** POST /api/keys: the only time the secret is shown. */
export interface CreatedKey extends WhoAmI {
  /** The secret to send as `Authorization: Bearer <key>`. */
  key: string;
  createdAt: number;
}
