/**
 * The scheduler: which volunteer runs which replica, and what happens when a
 * lease ends. Plain TypeScript fed with calls and a clock; it emits events
 * that the coordinator persists and the sockets act on.
 *
 * A task's life: loaded from the store as pending → open (wants `needed`
 * more replicas) → leased (each replica a lease with a deadline) → results
 * come in → the quorum rule settles it, fails it, or asks for more replicas.
 * A lease ends by result (`returned`), deadline (`expired`), socket close
 * (`lost`), the volunteer giving it back (`released`) or the task settling
 * first (`cancelled`). Every end without a result puts the replica back.
 *
 * Who is served is selection.ts's rule. A volunteer holds at most
 * slots × prefetch leases and never two replicas of one task. Checks
 * (checks.ts), backups (timing.ts) and the quorum rule (verify/) are applied
 * here as leases end.
 */
import { Emitter } from '../../shared/emitter.ts';
import {
  FairShare,
  bestJob,
  eligibleTask,
  oldestStraggler,
} from './selection.ts';
import type { SchedulerEvents, SchedulerOptions } from './events.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import {
  closeTask,
  openTask,
  type JobState,
  type TaskState,
} from './task-state.ts';
import { decide, type Counted } from '../verify/quorum.ts';
import {
  CheckPool,
  defaultCheckRate,
  pickCheck,
  type CheckEntry,
} from './checks.ts';
import { TaskTiming, softDeadline } from './timing.ts';
import { comparatorFor, type Comparator } from '../verify/compare.ts';
import type {
  JobInfo,
  LeaseEnd,
  LeaseRecord,
  ResultRecord,
  TaskRecord,
  TaskSource,
} from './types.ts';

interface VolunteerState {
  id: string;
  slots: number;
  leases: Map<number, LeaseRecord>;
  banned: boolean;
  /** Disconnected at; its leases wait until then + reconnectGraceMs for it to return. */
  awaySince: number | null;
}

export type ResultInput = Omit<ResultRecord, 'replicaId' | 'volunteerId'>;

export type { SchedulerEvents, SchedulerOptions } from './events.ts';

export class Scheduler extends Emitter<SchedulerEvents> {
  private readonly source: TaskSource;
  private readonly clock: () => number;
  readonly prefetch: number;
  private readonly pageSize: number;
  private readonly agingHalfLifeMs: number;
  private readonly lostPerReplica: number;
  private readonly jobs = new Map<string, JobState>();
  private readonly comparators = new Map<string, Comparator>();
  private readonly volunteers = new Map<string, VolunteerState>();
  private readonly leases = new Map<number, LeaseRecord>();
  private readonly leaseTasks = new Map<number, TaskState>();
  private readonly deadlines = new DeadlineHeap();
  private readonly softDeadlines = new DeadlineHeap();
  readonly timing = new TaskTiming();
  private readonly share = new FairShare();
  private nextLeaseId: number;
  /** When a lease next grows old enough for an idle volunteer to back it up. */
  private backupDueAt = Infinity;
  private readonly checkLeases = new Map<
    number,
    { job: JobState; entry: CheckEntry }
  >();
  private readonly credibility: (volunteerId: string) => number;
  private readonly checkRate: (credibility: number) => number;
  private readonly random: () => number;
  private readonly reconnectGraceMs: number;

  constructor(options: SchedulerOptions) {
    super();
    this.source = options.source;
    this.clock = options.clock ?? Date.now;
    this.prefetch = options.prefetch ?? 2;
    this.pageSize = options.pageSize ?? 256;
    this.agingHalfLifeMs = options.agingHalfLifeMs ?? 10_000;
    this.lostPerReplica = options.lostPerReplica ?? 3;
    this.nextLeaseId = options.firstLeaseId ?? 1;
    this.credibility = options.credibility ?? (() => 0.8);
    this.checkRate = options.checkRate ?? defaultCheckRate;
    this.random = options.random ?? Math.random;
    this.reconnectGraceMs = options.reconnectGraceMs ?? 0;
  }

  // ---- jobs ----

  addJob(info: JobInfo): void {
    if (this.jobs.has(info.id)) return;
    const job: JobState = {
      info,
      open: [],
      active: new Map(),
      cursor: null,
      exhausted: false,
      lastServedAt: this.clock(),
      checks: new CheckPool(256, this.random),
    };
    this.jobs.set(info.id, job);
    this.comparators.set(info.id, comparatorFor(info.compare));
    this.loadPage(job);
    if (!this.checkDrained(job)) this.emit('work:available', undefined);
  }

  hasJob(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Adds the requester's canaries to the job's check pool. */
  addCanaries(
    jobId: string,
    canaries: { index: number; inputJson: string; expectedCanonical: string }[],
  ): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    for (const c of canaries) {
      job.checks.add({
        source: 'canary',
        index: c.index,
        inputJson: c.inputJson,
        priority: 1,
        expected: { kind: 'output', canonical: c.expectedCanonical },
        results: [],
        doneBy: new Set(),
      });
    }
  }

  /**
   * Puts a settled task back in play with the results still trusted (after
   * its volunteer was caught). False when the job is not loaded: the caller
   * loads the job, which finds the task pending.
   */
  reopen(record: TaskRecord): boolean {
    const job = this.jobs.get(record.jobId);
    if (!job) return false;
    if (!job.active.has(record.index)) this.admit(job, record);
    return true;
  }

  /** Ends every lease of the job as cancelled and forgets it. */
  cancelJob(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    for (const task of job.active.values()) this.cancelLeases(task);
    this.jobs.delete(jobId);
    this.comparators.delete(jobId);
  }

  // ---- volunteers ----

  /**
   * A volunteer said hello. One that comes back within the reconnect grace
   * finds its leases still held: they are returned, to be sent again, so a
   * reloaded tab can resume a checkpointed task.
   */
  connect(volunteerId: string, slots: number): LeaseRecord[] {
    // Also a new socket that overtakes the old one's close, as a reload can.
    const known = this.volunteers.get(volunteerId);
    if (known && !known.banned) {
      known.awaySince = null;
      known.slots = slots;
      return [...known.leases.values()];
    }
    this.volunteers.set(volunteerId, {
      id: volunteerId,
      slots,
      leases: new Map(),
      banned: false,
      awaySince: null,
    });
    return [];
  }

  setSlots(volunteerId: string, slots: number): void {
    const v = this.volunteers.get(volunteerId);
    if (v) v.slots = slots;
  }

  /**
   * The volunteer's socket closed. Its leases are held for the reconnect
   * grace, then lost and requeued (see `expire`); at once without a grace.
   */
  disconnect(volunteerId: string): void {
    const v = this.volunteers.get(volunteerId);
    if (!v) return;
    // Only leases whose task reported progress (it started, and may have a
    // checkpoint) wait; the rest have nothing to resume and go back at once,
    // so a client that grabs leases and leaves cannot sit on them.
    const held = this.reconnectGraceMs > 0 && !v.banned;
    for (const lease of [...v.leases.values()]) {
      if (!held || lease.progressedAt === undefined)
        this.endLease(lease, 'lost');
    }
    if (v.leases.size > 0) v.awaySince = this.clock();
    else this.forget(volunteerId);
  }

  ban(volunteerId: string): void {
    const v = this.volunteers.get(volunteerId);
    if (!v) return;
    v.banned = true;
    for (const lease of [...v.leases.values()]) this.endLease(lease, 'lost');
    this.forgetResultsOf(volunteerId);
  }

  /**
   * Takes a caught volunteer's results out of every task still in play and
   * out of the check pools, then judges those tasks again without them.
   */
  forgetResultsOf(volunteerId: string): void {
    for (const job of [...this.jobs.values()]) {
      job.checks.dropVolunteer(volunteerId);
      for (const task of [...job.active.values()]) {
        const kept = task.results.filter((r) => r.volunteerId !== volunteerId);
        if (kept.length === task.results.length) continue;
        task.results = kept;
        if (task.leases.size + task.needed === 0) this.verify(task);
      }
    }
  }

  /** Leases this volunteer could take now. */
  freeCapacity(volunteerId: string): number {
    const v = this.volunteers.get(volunteerId);
    if (!v || v.banned || v.awaySince !== null) return 0;
    return Math.max(0, v.slots * this.prefetch - v.leases.size);
  }

  /** Issues leases to the volunteer up to its capacity, best tasks first. */
  fill(volunteerId: string): LeaseRecord[] {
    const v = this.volunteers.get(volunteerId);
    if (!v) return [];
    const issued: LeaseRecord[] = [];
    const checkRate = this.checkRate(this.credibility(volunteerId));
    for (let free = this.freeCapacity(volunteerId); free > 0; free--) {
      const check =
        this.random() < checkRate
          ? pickCheck(this.jobs.values(), volunteerId)
          : null;
      if (check) {
        issued.push(this.issueCheck(check.job, check.entry, v));
        continue;
      }
      const task = this.pick(volunteerId) ?? this.idleBackup(volunteerId);
      if (!task) break;
      issued.push(this.issue(task, v));
    }
    return issued;
  }

  // ---- lease ends ----

  /**
   * Records a result. Returns false when the volunteer holds no such lease
   * (it ended, expired, or was never theirs): such a result counts for nothing.
   */
  result(volunteerId: string, leaseId: number, input: ResultInput): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease || lease.volunteerId !== volunteerId) return false;
    const result: ResultRecord = { ...input, replicaId: leaseId, volunteerId };
    const check = this.checkLeases.get(leaseId);
    if (check) {
      this.detachCheck(lease);
      this.emit('result:recorded', { lease, result });
      this.judgeCheck(check.job, check.entry, lease, result);
      return true;
    }
    const task = this.leaseTasks.get(leaseId)!;
    this.detach(lease, task);
    this.timing.observe(lease.jobId, volunteerId, input.elapsedMs);
    this.timing.observeTurnaround(
      lease.jobId,
      volunteerId,
      this.clock() - lease.leasedAt,
    );
    task.results.push(result);
    this.emit('result:recorded', { lease, result });
    this.verify(task);
    return true;
  }

  /** The volunteer reported progress: the lease lives for another timeout from now. */
  progress(volunteerId: string, leaseId: number): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease || lease.volunteerId !== volunteerId) return false;
    lease.progressedAt = this.clock();
    const deadline = this.clock() + lease.timeoutMs + graceMs(lease.timeoutMs);
    if (deadline > lease.deadline) {
      lease.deadline = deadline;
      this.deadlines.push(deadline, leaseId);
    }
    const expected = this.timing.expectedMs(lease.jobId, volunteerId);
    if (lease.softDeadline !== undefined && expected !== null) {
      lease.softDeadline = softDeadline(
        this.clock(),
        expected,
        0,
        1,
        this.timing.turnaroundMs(lease.jobId, volunteerId),
        lease.timeoutMs,
      );
      this.softDeadlines.push(lease.softDeadline, leaseId);
    }
    return true;
  }

  /**
   * The volunteer gives back leases it will not start (`released`), or could
   * not run because its own worker broke (`lost`). Unknown ids are ignored.
   */
  release(
    volunteerId: string,
    leaseIds: readonly number[],
    end: 'released' | 'lost' = 'released',
  ): void {
    for (const id of leaseIds) {
      const lease = this.leases.get(id);
      if (lease && lease.volunteerId === volunteerId) {
        this.endLease(lease, end, end === 'lost');
      }
    }
  }

  /** Ends every lease whose deadline has passed, and those of volunteers gone too long. */
  expire(): LeaseRecord[] {
    const now = this.clock();
    for (const v of [...this.volunteers.values()]) {
      if (v.awaySince === null || now - v.awaySince < this.reconnectGraceMs)
        continue;
      for (const lease of [...v.leases.values()]) this.endLease(lease, 'lost');
      this.forget(v.id);
    }
    const isLive = (id: number, deadline: number) =>
      this.leases.get(id)?.deadline === deadline;
    const isLiveSoft = (id: number, deadline: number) =>
      this.leases.get(id)?.softDeadline === deadline;
    this.deadlines.compact(this.leases.size, isLive);
    this.softDeadlines.compact(this.leases.size, isLiveSoft);
    const ids = this.deadlines.popDue(this.clock(), isLive);
    const expired = ids.map((id) => this.leases.get(id)!);
    for (const lease of expired) this.endLease(lease, 'expired');
    const overdue = this.softDeadlines.popDue(this.clock(), isLiveSoft);
    for (const id of overdue) {
      const task = this.leaseTasks.get(id);
      if (task) this.backup(task, 'overdue');
    }
    return expired;
  }

  // ---- reading ----

  liveLeases(jobId?: string): LeaseRecord[] {
    const all = [...this.leases.values()];
    return jobId ? all.filter((l) => l.jobId === jobId) : all;
  }

  leaseCount(): number {
    return this.leases.size;
  }

  /** Replicas wanted and not yet leased, per job. */
  queueDepth(): Map<string, number> {
    const depth = new Map<string, number>();
    for (const [id, job] of this.jobs) {
      let n = 0;
      for (const task of job.open) n += task.needed;
      depth.set(id, n);
    }
    return depth;
  }

  // ---- inside ----

  private pick(volunteerId: string): TaskState | null {
    const skipped = new Set<JobState>();
    const load = (job: JobState) => this.loadPage(job);
    for (;;) {
      const job = bestJob(this.jobs.values(), skipped, {
        now: this.clock(),
        agingHalfLifeMs: this.agingHalfLifeMs,
        share: this.share,
        load,
      });
      if (!job) return null;
      const task = eligibleTask(job, volunteerId, load);
      if (task) return task;
      skipped.add(job);
    }
  }

  private issue(task: TaskState, v: VolunteerState): LeaseRecord {
    const now = this.clock();
    const lease = this.newLease(task.job, task.index, task.inputJson, v, now);
    const expected = this.timing.expectedMs(lease.jobId, v.id);
    if (expected !== null) {
      lease.softDeadline = softDeadline(
        now,
        expected,
        v.leases.size,
        v.slots,
        this.timing.turnaroundMs(lease.jobId, v.id),
        lease.timeoutMs,
      );
      this.softDeadlines.push(lease.softDeadline, lease.id);
    }
    task.needed--;
    if (task.needed <= 0) closeTask(task);
    task.leases.set(lease.id, lease);
    v.leases.set(lease.id, lease);
    this.leases.set(lease.id, lease);
    this.leaseTasks.set(lease.id, task);
    this.deadlines.push(lease.deadline, lease.id);
    task.job.lastServedAt = now;
    this.share.charge(task.job.info.owner);
    return lease;
  }

  /** A lease record with its hard deadline, not yet attached anywhere. */
  private newLease(
    job: JobState,
    taskIndex: number,
    inputJson: string,
    v: VolunteerState,
    now: number,
  ): LeaseRecord {
    const { timeoutMs } = job.info;
    return {
      id: this.nextLeaseId++,
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

  /**
   * Asks for one more replica of a task whose lease is slow (MapReduce's
   * backup tasks): the first quorum wins and the other leases are cancelled.
   */
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

  /**
   * Idle capacity at the tail of a job (nothing new left to lease): a backup
   * replica of the task whose oldest lease has been out longest.
   */
  private idleBackup(volunteerId: string): TaskState | null {
    const { task, nextAt } = oldestStraggler(
      this.jobs.values(),
      volunteerId,
      this.clock(),
      (job) =>
        Math.max(1000, this.timing.expectedMs(job.info.id, volunteerId) ?? 0),
    );
    this.backupDueAt = Math.min(this.backupDueAt, nextAt);
    return task && this.backup(task, 'idle') ? task : null;
  }

  /**
   * Whether a lease has grown old enough for an idle volunteer to back it up
   * since the last fill looked; asking resets it until fills look again.
   */
  takeBackupDue(): boolean {
    if (this.clock() < this.backupDueAt) return false;
    this.backupDueAt = Infinity;
    return true;
  }

  /** A volunteer gone for good: its state and its timing history. */
  private forget(volunteerId: string): void {
    this.volunteers.delete(volunteerId);
    this.timing.forgetVolunteer(volunteerId);
  }

  /** Ends a lease without a result; `exclude` keeps the task from that volunteer. */
  private endLease(
    lease: LeaseRecord,
    end: Exclude<LeaseEnd, 'returned'>,
    exclude = end === 'expired',
  ): void {
    if (this.checkLeases.has(lease.id)) {
      this.detachCheck(lease);
      this.emit('lease:ended', { lease, end });
      return;
    }
    const task = this.leaseTasks.get(lease.id);
    if (!task) return;
    this.detach(lease, task);
    this.emit('lease:ended', { lease, end });
    if (end === 'cancelled' || !task.job.active.has(task.index)) return;
    if (exclude) (task.expiredOn ??= new Set()).add(lease.volunteerId);
    task.lost++;
    if (task.lost > this.lostPerReplica * task.job.info.maxReplicas) {
      this.finish(task);
      this.emit('task:failed', {
        jobId: task.job.info.id,
        index: task.index,
        reason: 'leases-lost',
        results: task.results,
      });
      this.checkDrained(task.job);
      return;
    }
    task.needed++;
    openTask(task);
    this.emit('work:available', undefined);
  }

  private detach(lease: LeaseRecord, task: TaskState): void {
    this.leases.delete(lease.id);
    this.leaseTasks.delete(lease.id);
    task.leases.delete(lease.id);
    this.volunteers.get(lease.volunteerId)?.leases.delete(lease.id);
  }

  private issueCheck(
    job: JobState,
    entry: CheckEntry,
    v: VolunteerState,
  ): LeaseRecord {
    const lease: LeaseRecord = {
      ...this.newLease(job, entry.index, entry.inputJson, v, this.clock()),
      check: true,
    };
    entry.doneBy.add(v.id);
    v.leases.set(lease.id, lease);
    this.leases.set(lease.id, lease);
    this.checkLeases.set(lease.id, { job, entry });
    this.deadlines.push(lease.deadline, lease.id);
    return lease;
  }

  private detachCheck(lease: LeaseRecord): void {
    this.leases.delete(lease.id);
    this.checkLeases.delete(lease.id);
    this.volunteers.get(lease.volunteerId)?.leases.delete(lease.id);
  }

  /** Compares a check's result with the known output; a settled task that disagrees reopens. */
  private judgeCheck(
    job: JobState,
    entry: CheckEntry,
    lease: LeaseRecord,
    result: ResultRecord,
  ): void {
    // The job may have drained while the check was out; its comparator with it.
    const compare =
      this.comparators.get(job.info.id) ?? comparatorFor(job.info.compare);
    const passed = compare(entry.expected, {
      kind: result.kind,
      canonical: result.canonical,
    });
    this.emit('check:done', { lease, result, source: entry.source, passed });
    if (passed || entry.source === 'canary' || !this.jobs.has(job.info.id))
      return;
    job.checks.remove(entry);
    if (job.active.has(entry.index)) return;
    const results = [...entry.results, result];
    this.emit('task:reopened', {
      jobId: job.info.id,
      index: entry.index,
      results,
    });
    this.admit(job, {
      jobId: job.info.id,
      index: entry.index,
      inputJson: entry.inputJson,
      priority: entry.priority,
      results,
    });
  }

  private verify(task: TaskState): void {
    const { info } = task.job;
    const counted: Counted<ResultRecord>[] = task.results.map((r) => ({
      value: { kind: r.kind, canonical: r.canonical },
      credibility: this.credibility(r.volunteerId),
      item: r,
    }));
    const outstanding = task.leases.size + task.needed;
    const params = {
      mode: info.verification,
      quorum: info.quorum,
      maxReplicas: info.maxReplicas,
      targetErrorRate: info.targetErrorRate,
      minAgreeing: task.spotCheck ? 2 : 1,
    };
    const compare = this.comparators.get(info.id)!;
    const decision = decide(counted, outstanding, params, compare);
    switch (decision.kind) {
      case 'settle':
        this.finish(task);
        task.job.checks.add({
          source: 'settled',
          index: task.index,
          inputJson: task.inputJson,
          priority: task.priority,
          expected: {
            kind: decision.winner.kind,
            canonical: decision.winner.canonical,
          },
          results: task.results,
          doneBy: new Set(task.results.map((r) => r.volunteerId)),
        });
        this.emit('task:settled', {
          jobId: info.id,
          index: task.index,
          winner: decision.winner,
          agreed: decision.agreed,
          disagreed: decision.disagreed,
          credibility: decision.credibility,
        });
        this.checkDrained(task.job);
        break;
      case 'fail':
        this.finish(task);
        this.emit('task:failed', {
          jobId: info.id,
          index: task.index,
          reason: 'no-quorum',
          results: task.results,
        });
        this.checkDrained(task.job);
        break;
      case 'more':
        task.needed += decision.replicas;
        openTask(task);
        this.emit('work:available', undefined);
        break;
      case 'wait':
        break;
    }
  }

  /**
   * Takes a settled or failed task out of play and cancels its other leases.
   * The caller emits the task's event, then checks whether the job drained,
   * so that listeners see the task end before the job does.
   */
  private finish(task: TaskState): void {
    closeTask(task);
    task.needed = 0;
    task.job.active.delete(task.index);
    this.cancelLeases(task);
  }

  private cancelLeases(task: TaskState): void {
    for (const lease of [...task.leases.values()]) {
      this.detach(lease, task);
      this.emit('lease:ended', { lease, end: 'cancelled' });
    }
  }

  private checkDrained(job: JobState): boolean {
    if (!job.exhausted || job.active.size > 0) return false;
    if (!this.jobs.has(job.info.id)) return true;
    this.jobs.delete(job.info.id);
    this.comparators.delete(job.info.id);
    this.timing.forgetJob(job.info.id);
    this.emit('job:drained', { jobId: job.info.id });
    return true;
  }

  /** Loads the next page of pending tasks into the job's open list. */
  private loadPage(job: JobState): number {
    const page = this.source.loadPending(
      job.info.id,
      job.cursor,
      this.pageSize,
    );
    if (page.length < this.pageSize) job.exhausted = true;
    const last = page[page.length - 1];
    if (last) job.cursor = { priority: last.priority, index: last.index };
    for (const record of page) this.admit(job, record);
    return page.length;
  }

  private admit(job: JobState, record: TaskRecord): void {
    const task: TaskState = {
      job,
      index: record.index,
      inputJson: record.inputJson,
      priority: record.priority,
      needed: 0,
      leases: new Map(),
      results: [...record.results],
      lost: 0,
      open: false,
      expiredOn: null,
      // Which adaptive tasks are always replicated is drawn here, unseen by volunteers.
      spotCheck:
        job.info.verification === 'adaptive' &&
        this.random() < job.info.spotCheckRate,
      backedUp: false,
    };
    job.active.set(task.index, task);
    if (task.results.length === 0) {
      task.needed = job.info.redundancy;
      openTask(task);
    } else {
      this.verify(task);
    }
  }
}

/** Time a lease outlives its task's timeout, for the timeout report to arrive. */
export function graceMs(timeoutMs: number): number {
  return Math.min(30_000, Math.max(2_000, timeoutMs / 4));
}
