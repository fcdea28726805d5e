/**
 * In-memory state of the tasks a job has in play, and the job's open list:
 * the tasks that want more replicas, kept sorted by (priority desc, index
 * asc) so that the head is what Smith's rule serves next.
 */
import type { Comparator } from '../verify/compare.ts';
import type { CheckPool } from './checks.ts';
import type {
  JobInfo,
  LeaseRecord,
  ResultRecord,
  TaskCursor,
} from './types.ts';

export interface TaskState {
  job: JobState;
  index: number;
  inputJson: string;
  priority: number;
  /** Replicas wanted and not yet leased. */
  needed: number;
  /** Live leases by id. */
  leases: Map<number, LeaseRecord>;
  results: ResultRecord[];
  /** Leases that ended without a result (expired, lost, released). */
  lost: number;
  /** Whether the task sits in its job's open list. */
  open: boolean;
  /** Volunteers whose lease of this task expired or crashed: it goes to others. */
  expiredOn: Set<string> | null;
  /** Adaptive mode: this task is always replicated, whoever computes it. */
  spotCheck: boolean;
  /** A backup replica was issued for a slow lease; one is enough. */
  backedUp: boolean;
}

export interface JobState {
  info: JobInfo;
  /** Whether two results agree, by the job's `compare` rule. */
  compare: Comparator;
  open: TaskState[];
  /** Tasks loaded and not yet settled or failed, by index. */
  active: Map<number, TaskState>;
  /** Where the next page of pending tasks starts; null before the first. */
  cursor: TaskCursor | null;
  /** True once the store has no pending tasks past the cursor. */
  exhausted: boolean;
  /** A page is being admitted: the job cannot drain until all of it is in. */
  loading: boolean;
  lastServedAt: number;
  /** Tasks with known outputs to test volunteers with. */
  checks: CheckPool;
}

/** Whether `a` is served before `b`. */
function before(a: TaskState, b: TaskState): boolean {
  return (
    a.priority > b.priority || (a.priority === b.priority && a.index < b.index)
  );
}

export function openTask(task: TaskState): void {
  if (task.open) return;
  const list = task.job.open;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid]!, task)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, task);
  task.open = true;
}

export function closeTask(task: TaskState): void {
  if (!task.open) return;
  const list = task.job.open;
  const i = list.indexOf(task);
  if (i >= 0) list.splice(i, 1);
  task.open = false;
}

/**
 * Whether the task is not for this volunteer: it holds a lease on it, has a
 * result for it, or let one of its leases expire.
 */
export function hasTouched(task: TaskState, volunteerId: string): boolean {
  if (task.expiredOn?.has(volunteerId)) return true;
  for (const lease of task.leases.values())
    if (lease.volunteerId === volunteerId) return true;
  for (const result of task.results)
    if (result.volunteerId === volunteerId) return true;
  return false;
}
