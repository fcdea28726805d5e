/**
 * The JSON the dashboard reads from the REST API (server/http/views.ts and
 * the routes). Times are milliseconds since the epoch.
 */
import type { Compare } from '../../../shared/spec.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export const FINAL_STATES: ReadonlySet<JobState> = new Set([
  'done',
  'failed',
  'cancelled',
]);

export interface JobCounts {
  total: number;
  /** Tasks whose output, or agreed error, is decided. */
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

export interface JobParams {
  redundancy: number;
  quorum: number;
  maxReplicas: number;
  compare: Compare;
  timeoutMs: number;
  weight: number;
  estimatedTaskMs: number;
}

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

export interface JobTrust {
  verification: 'quorum' | 'adaptive';
  replicasPerSettled: number | null;
  disagreements: number;
  checks: number;
  reopened: number;
  volunteersBanned: number;
  /** Mean probability that a settled output is wrong. */
  errorBound: number | null;
}

export interface TaskError {
  message?: string;
  /** `NO_QUORUM` or `LEASES_LOST` when the server gave the task up. */
  code?: string;
  kind?: string;
}

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

export interface ReplicaView {
  id: number;
  volunteerId: string;
  /** returned | expired | lost | released | cancelled, or leased while live. */
  state: string;
  leasedAt: number;
  endedAt?: number;
  elapsedMs?: number | null;
  deadline?: number;
  output?: unknown;
  error?: TaskError;
  resultHash?: string | null;
  /** pending | agreed | disagreed | none. */
  verdict: string;
}

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

export interface WhoAmI {
  id: string;
  name: string;
  role: Role;
}

export interface KeyView {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  revokedAt: number | null;
}

/** POST /api/keys: the only time the secret is shown. */
export interface CreatedKey extends KeyView {
  key: string;
}
