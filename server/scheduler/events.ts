/** The scheduler's options and the events it emits. */
import type { CheckEntry } from './checks.ts';
import type {
  LeaseEnd,
  LeaseRecord,
  ResultRecord,
  TaskSource,
} from './types.ts';

export interface SchedulerOptions {
  source: TaskSource;
  clock?: () => number;
  /** Leases held per slot at most: one running, the rest waiting. */
  prefetch?: number;
  /** Pending tasks loaded from the store at a time, per job. */
  pageSize?: number;
  agingHalfLifeMs?: number;
  /** Lease ends without a result a task may suffer before it fails, per replica allowed. */
  lostPerReplica?: number;
  firstLeaseId?: number;
  /** How long a disconnected volunteer's leases wait for it to reconnect. */
  reconnectGraceMs?: number;
  /** A volunteer's credibility in [0, 1] (see verify/credibility.ts). */
  credibility?: (volunteerId: string) => number;
  /** How often a volunteer of this credibility gets a check instead of work. */
  checkRate?: (credibility: number) => number;
  random?: () => number;
}

/** What the scheduler tells its listeners, synchronously, in order. */
export interface SchedulerEvents {
  'lease:ended': { lease: LeaseRecord; end: Exclude<LeaseEnd, 'returned'> };
  'result:recorded': { lease: LeaseRecord; result: ResultRecord };
  'task:settled': {
    jobId: string;
    index: number;
    winner: ResultRecord;
    agreed: ResultRecord[];
    disagreed: ResultRecord[];
    /** Probability that the settled output is right (verify/credibility.ts). */
    credibility: number;
  };
  /** A check lease came back; `passed` when it matched the known output. */
  'check:done': {
    lease: LeaseRecord;
    result: ResultRecord;
    source: CheckEntry['source'];
    passed: boolean;
  };
  /** A settled task is back in play, with these results, after a check disagreed. */
  'task:reopened': { jobId: string; index: number; results: ResultRecord[] };
  'task:failed': {
    jobId: string;
    index: number;
    reason: 'no-quorum' | 'leases-lost';
    results: ResultRecord[];
  };
  /** Every task of the job has settled or failed. */
  'job:drained': { jobId: string };
  /** A lease passed its soft deadline, or idle capacity overtook it: a backup replica is out. */
  'task:backup': { jobId: string; index: number; reason: 'overdue' | 'idle' };
  /** Tasks became available to volunteers that had nothing to do. */
  'work:available': undefined;
}

/** The scheduler's `emit`, handed to the parts that emit its events. */
export type Emit = <K extends keyof SchedulerEvents>(
  event: K,
  value: SchedulerEvents[K],
) => void;
