/**
 * Backup replicas (MapReduce's backup tasks): one more replica of a task
 * whose lease is slow, so that a slow or silent volunteer does not hold the
 * task up. The first quorum wins and the other leases are cancelled. A task
 * is backed up once at most, never past its job's maxReplicas, in two ways:
 *
 * - overdue: a lease passed its soft deadline (timing.ts), seen on expire.
 * - idle: at a job's tail, with nothing new left to lease, a volunteer that
 *   would sit idle backs up the task whose oldest lease has been out longest.
 *   When none is old enough yet, the time one will be is kept for the
 *   coordinator to ask for (`takeDue`), so idle volunteers need not poll.
 */
import { DeadlineHeap } from './deadline-heap.ts';
import type { Emit } from './events.ts';
import type { LeaseBook } from './leases.ts';
import {
  hasTouched,
  openTask,
  type JobState,
  type TaskState,
} from './task-state.ts';
import { softDeadline, type TaskTiming } from './timing.ts';
import type { LeaseRecord } from './types.ts';

export class Backups {
  private readonly softDeadlines = new DeadlineHeap();
  /** When a lease next grows old enough for an idle volunteer to back it up. */
  private dueAt = Infinity;
  /** Whether a heap entry is still its lease's soft deadline (made once, not per expiry). */
  private readonly isLive = (id: number, deadline: number): boolean =>
    this.leases.get(id)?.softDeadline === deadline;

  constructor(
    private readonly leases: LeaseBook,
    private readonly timing: TaskTiming,
    private readonly emit: Emit,
  ) {}

  /**
   * Gives a new lease its soft deadline, queued behind `queuedAhead` leases
   * on the volunteer's `slots`; none while the job has no timing history.
   */
  arm(
    lease: LeaseRecord,
    now: number,
    queuedAhead: number,
    slots: number,
  ): void {
    const expected = this.timing.expectedMs(lease.jobId, lease.volunteerId);
    if (expected === null) return;
    lease.softDeadline = softDeadline(
      now,
      expected,
      queuedAhead,
      slots,
      this.timing.turnaroundMs(lease.jobId, lease.volunteerId),
      lease.timeoutMs,
    );
    this.softDeadlines.push(lease.softDeadline, lease.id);
  }

  /** The lease's volunteer reported progress: a soft deadline starts again from now. */
  rearm(lease: LeaseRecord, now: number): void {
    if (lease.softDeadline !== undefined) this.arm(lease, now, 0, 1);
  }

  /** Drops the heap's stale entries once they outnumber the live leases. */
  compact(): void {
    this.softDeadlines.compact(this.leases.size, this.isLive);
  }

  /** Backs up the task of every lease whose soft deadline is at or before `now`. */
  overdue(now: number): void {
    for (const id of this.softDeadlines.popDue(now, this.isLive)) {
      const task = this.leases.taskOf(id);
      if (task) this.backup(task, 'overdue');
    }
  }

  /**
   * Idle capacity at the tail of a job (nothing new left to lease): a backup
   * replica of the task whose oldest lease has been out longest, opened for
   * the volunteer to take; null when none is old enough.
   */
  idle(
    jobs: Iterable<JobState>,
    volunteerId: string,
    now: number,
  ): TaskState | null {
    const { task, nextAt } = oldestStraggler(jobs, volunteerId, now, (job) =>
      Math.max(1000, this.timing.expectedMs(job.info.id, volunteerId) ?? 0),
    );
    this.dueAt = Math.min(this.dueAt, nextAt);
    return task && this.backup(task, 'idle') ? task : null;
  }

  /**
   * Whether a lease has grown old enough for an idle volunteer to back it up
   * since the last fill looked; asking resets it until fills look again.
   */
  takeDue(now: number): boolean {
    if (now < this.dueAt) return false;
    this.dueAt = Infinity;
    return true;
  }

  private backup(task: TaskState, reason: 'overdue' | 'idle'): boolean {
    const { info } = task.job;
    if (task.backedUp || !task.job.active.has(task.index)) return false;
    if (
      task.results.length + task.leases.size + task.needed >=
      info.maxReplicas
    )
      return false;
    task.backedUp = true;
    task.needed++;
    openTask(task);
    this.emit('task:backup', { jobId: info.id, index: task.index, reason });
    if (reason === 'overdue') this.emit('work:available', undefined);
    return true;
  }
}

/**
 * At the tail of a job, the task whose oldest lease has been out longest, at
 * least `minAgeMs(job)`: the one to back up. `nextAt` is when the youngest of
 * the others grows old enough (Infinity when none will).
 */
function oldestStraggler(
  jobs: Iterable<JobState>,
  volunteerId: string,
  now: number,
  minAgeMs: (job: JobState) => number,
): { task: TaskState | null; nextAt: number } {
  let best: TaskState | null = null;
  let bestSince = Infinity;
  let nextAt = Infinity;
  for (const job of jobs) {
    if (!job.exhausted || job.open.length > 0) continue;
    const minAge = minAgeMs(job);
    for (const task of job.active.values()) {
      if (task.backedUp || task.leases.size === 0) continue;
      if (hasTouched(task, volunteerId)) continue;
      let since = Infinity;
      for (const lease of task.leases.values())
        since = Math.min(since, lease.leasedAt);
      if (now - since < minAge) nextAt = Math.min(nextAt, since + minAge);
      else if (since < bestSince) {
        best = task;
        bestSince = since;
      }
    }
  }
  return { task: best, nextAt };
}
