/**
 * The live leases. Each is found by id, with the task or check it is a
 * replica of; it sits in its task's and its volunteer's lease maps too, and
 * its hard deadline in a heap. A lease is in all of these or in none:
 * `attach` puts it in each, `detach` takes it out of each, so a result that
 * comes after its lease ended finds nothing. Ids only grow, never reused.
 */
import type { CheckEntry } from './checks.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import type { Emit } from './events.ts';
import type { JobState, TaskState } from './task-state.ts';
import type { LeaseRecord } from './types.ts';
import type { VolunteerState, Volunteers } from './volunteers.ts';

/** What a check lease is of: a known output in one job's check pool. */
export interface CheckLease {
  job: JobState;
  entry: CheckEntry;
}

export class LeaseBook {
  private readonly byId = new Map<number, LeaseRecord>();
  private readonly tasks = new Map<number, TaskState>();
  private readonly checks = new Map<number, CheckLease>();
  private readonly deadlines = new DeadlineHeap();
  private nextId: number;
  /** Whether a heap entry is still its lease's deadline (made once, not per expiry). */
  private readonly isLive = (id: number, deadline: number): boolean =>
    this.byId.get(id)?.deadline === deadline;

  constructor(
    private readonly volunteers: Volunteers,
    private readonly prefetch: number,
    firstId: number,
    private readonly emit: Emit,
  ) {
    this.nextId = firstId;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): LeaseRecord | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<LeaseRecord> {
    return this.byId.values();
  }

  /** The task the lease is a replica of; undefined for a check or an ended lease. */
  taskOf(id: number): TaskState | undefined {
    return this.tasks.get(id);
  }

  /** What the lease checks; undefined unless it is a live check lease. */
  checkOf(id: number): CheckLease | undefined {
    return this.checks.get(id);
  }

  /** A lease record with its hard deadline, not yet attached anywhere. */
  create(
    job: JobState,
    taskIndex: number,
    inputJson: string,
    v: VolunteerState,
    now: number,
  ): LeaseRecord {
    const { timeoutMs } = job.info;
    return {
      id: this.nextId++,
      jobId: job.info.id,
      taskIndex,
      inputJson,
      volunteerId: v.id,
      leasedAt: now,
      // A prefetched lease may wait behind the others of its slot before it starts.
      deadline: now + this.prefetch * timeoutMs + graceMs(timeoutMs),
      timeoutMs,
    };
  }

  attach(lease: LeaseRecord, task: TaskState, v: VolunteerState): void {
    task.leases.set(lease.id, lease);
    v.leases.set(lease.id, lease);
    this.byId.set(lease.id, lease);
    this.tasks.set(lease.id, task);
    this.deadlines.push(lease.deadline, lease.id);
  }

  attachCheck(lease: LeaseRecord, check: CheckLease, v: VolunteerState): void {
    v.leases.set(lease.id, lease);
    this.byId.set(lease.id, lease);
    this.checks.set(lease.id, check);
    this.deadlines.push(lease.deadline, lease.id);
  }

  detach(lease: LeaseRecord, task: TaskState): void {
    this.byId.delete(lease.id);
    this.tasks.delete(lease.id);
    task.leases.delete(lease.id);
    this.volunteers.get(lease.volunteerId)?.leases.delete(lease.id);
  }

  detachCheck(lease: LeaseRecord): void {
    this.byId.delete(lease.id);
    this.checks.delete(lease.id);
    this.volunteers.get(lease.volunteerId)?.leases.delete(lease.id);
  }

  /** Ends every lease of the task as cancelled: it settled, failed, or its job went. */
  cancelAll(task: TaskState): void {
    for (const lease of [...task.leases.values()]) {
      this.detach(lease, task);
      this.emit('lease:ended', { lease, end: 'cancelled' });
    }
  }

  /** The volunteer is working on it: the lease lives for another timeout from `now`. */
  extend(lease: LeaseRecord, now: number): void {
    const deadline = now + lease.timeoutMs + graceMs(lease.timeoutMs);
    if (deadline > lease.deadline) {
      lease.deadline = deadline;
      this.deadlines.push(deadline, lease.id);
    }
  }

  /** Drops the heap's stale entries once they outnumber the live ones. */
  compact(): void {
    this.deadlines.compact(this.byId.size, this.isLive);
  }

  /** The leases whose hard deadline is at or before `now`, still attached. */
  popDue(now: number): LeaseRecord[] {
    const ids = this.deadlines.popDue(now, this.isLive);
    return ids.map((id) => this.byId.get(id)!);
  }
}

/** Time a lease outlives its task's timeout, for the timeout report to arrive. */
export function graceMs(timeoutMs: number): number {
  return Math.min(30_000, Math.max(2_000, timeoutMs / 4));
}
