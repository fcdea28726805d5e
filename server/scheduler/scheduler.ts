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
 * slots × prefetch leases and never two replicas of one task. This class
 * issues leases and ends them; the rest is its parts': the jobs in play and
 * the verdicts on their results (jobs.ts, verdicts.ts), the volunteers and
 * their reconnect grace (volunteers.ts), the live leases (leases.ts), checks
 * (checks.ts) and backups (backups.ts).
 */
import { Emitter } from '../../shared/emitter.ts';
import { Backups } from './backups.ts';
import { defaultCheckRate, pickCheck } from './checks.ts';
import type { SchedulerEvents, SchedulerOptions } from './events.ts';
import { Jobs } from './jobs.ts';
import { LeaseBook, type CheckLease } from './leases.ts';
import { FairShare, bestJob, eligibleTask } from './selection.ts';
import { closeTask, type JobState, type TaskState } from './task-state.ts';
import { TaskTiming } from './timing.ts';
import type {
  JobInfo,
  LeaseEnd,
  LeaseRecord,
  ResultRecord,
  TaskRecord,
} from './types.ts';
import { Volunteers, type VolunteerState } from './volunteers.ts';

export type ResultInput = Omit<ResultRecord, 'replicaId' | 'volunteerId'>;

export type { SchedulerEvents, SchedulerOptions } from './events.ts';
export { graceMs } from './leases.ts';

export class Scheduler extends Emitter<SchedulerEvents> {
  private readonly clock: () => number;
  readonly prefetch: number;
  private readonly agingHalfLifeMs: number;
  private readonly credibility: (volunteerId: string) => number;
  private readonly checkRate: (credibility: number) => number;
  private readonly random: () => number;
  readonly timing = new TaskTiming();
  private readonly share = new FairShare();
  private readonly volunteers: Volunteers;
  private readonly leases: LeaseBook;
  private readonly jobs: Jobs;
  private readonly backups: Backups;

  constructor(options: SchedulerOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    this.prefetch = options.prefetch ?? 2;
    this.agingHalfLifeMs = options.agingHalfLifeMs ?? 10_000;
    this.credibility = options.credibility ?? (() => 0.8);
    this.checkRate = options.checkRate ?? defaultCheckRate;
    this.random = options.random ?? Math.random;
    const emit = this.emit.bind(this);
    this.volunteers = new Volunteers(
      this.prefetch,
      options.reconnectGraceMs ?? 0,
      this.timing,
    );
    this.leases = new LeaseBook(
      this.volunteers,
      this.prefetch,
      options.firstLeaseId ?? 1,
      emit,
    );
    this.jobs = new Jobs(
      options.source,
      options.pageSize ?? 256,
      options.lostPerReplica ?? 3,
      this.random,
      this.timing,
      this.leases,
      this.credibility,
      emit,
    );
    this.backups = new Backups(this.leases, this.timing, emit);
  }

  // ---- jobs ----

  addJob(info: JobInfo): void {
    this.jobs.add(info, this.clock());
  }

  hasJob(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Adds the requester's canaries to the job's check pool. */
  addCanaries(
    jobId: string,
    canaries: { index: number; inputJson: string; expectedCanonical: string }[],
  ): void {
    const checks = this.jobs.get(jobId)?.checks;
    if (!checks) return;
    for (const c of canaries)
      checks.addCanary(c.index, c.inputJson, c.expectedCanonical);
  }

  /**
   * Puts a settled task back in play with the results still trusted (after
   * its volunteer was caught). False when the job is not loaded: the caller
   * loads the job, which finds the task pending.
   */
  reopen(record: TaskRecord): boolean {
    return this.jobs.reopen(record);
  }

  /** Ends every lease of the job as cancelled and forgets it. */
  cancelJob(jobId: string): void {
    this.jobs.cancel(jobId);
  }

  // ---- volunteers ----

  /**
   * A volunteer said hello. One that comes back within the reconnect grace
   * finds its leases still held: they are returned, to be sent again, so a
   * reloaded tab can resume a checkpointed task.
   */
  connect(volunteerId: string, slots: number): LeaseRecord[] {
    return this.volunteers.connect(volunteerId, slots);
  }

  setSlots(volunteerId: string, slots: number): void {
    this.volunteers.setSlots(volunteerId, slots);
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
    const held = this.volunteers.holdsLeases(v);
    for (const lease of [...v.leases.values()]) {
      if (!held || lease.progressedAt === undefined)
        this.endLease(lease, 'lost');
    }
    if (v.leases.size > 0) v.awaySince = this.clock();
    else this.volunteers.forget(volunteerId);
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
    this.jobs.forgetResultsOf(volunteerId);
  }

  /** Leases this volunteer could take now. */
  freeCapacity(volunteerId: string): number {
    return this.volunteers.freeCapacity(volunteerId);
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
        issued.push(this.issueCheck(check, v));
        continue;
      }
      const task =
        this.pick(volunteerId) ??
        this.backups.idle(this.jobs.values(), volunteerId, this.clock());
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
    const check = this.leases.checkOf(leaseId);
    if (check) {
      this.leases.detachCheck(lease);
      this.emit('result:recorded', { lease, result });
      this.jobs.judgeCheck(check, lease, result);
      return true;
    }
    const task = this.leases.taskOf(leaseId)!;
    this.leases.detach(lease, task);
    this.timing.observe(lease.jobId, volunteerId, input.elapsedMs);
    this.timing.observeTurnaround(
      lease.jobId,
      volunteerId,
      this.clock() - lease.leasedAt,
    );
    task.results.push(result);
    this.emit('result:recorded', { lease, result });
    this.jobs.judge(task);
    return true;
  }

  /** The volunteer reported progress: the lease lives for another timeout from now. */
  progress(volunteerId: string, leaseId: number): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease || lease.volunteerId !== volunteerId) return false;
    const now = this.clock();
    lease.progressedAt = now;
    this.leases.extend(lease, now);
    this.backups.rearm(lease, now);
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
      if (!this.volunteers.graceOver(v, now)) continue;
      for (const lease of [...v.leases.values()]) this.endLease(lease, 'lost');
      this.volunteers.forget(v.id);
    }
    this.leases.compact();
    this.backups.compact();
    const expired = this.leases.popDue(this.clock());
    for (const lease of expired) this.endLease(lease, 'expired');
    this.backups.overdue(this.clock());
    return expired;
  }

  /**
   * Whether a lease has grown old enough for an idle volunteer to back it up
   * since the last fill looked; asking resets it until fills look again.
   */
  takeBackupDue(): boolean {
    return this.backups.takeDue(this.clock());
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
    return this.jobs.queueDepth();
  }

  // ---- inside ----

  private pick(volunteerId: string): TaskState | null {
    const skipped = new Set<JobState>();
    const load = (job: JobState) => this.jobs.loadPage(job);
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
    const lease = this.leases.create(
      task.job,
      task.index,
      task.inputJson,
      v,
      now,
    );
    this.backups.arm(lease, now, v.leases.size, v.slots);
    task.needed--;
    if (task.needed <= 0) closeTask(task);
    this.leases.attach(lease, task, v);
    task.job.lastServedAt = now;
    this.share.charge(task.job.info.owner);
    return lease;
  }

  private issueCheck(check: CheckLease, v: VolunteerState): LeaseRecord {
    const { job, entry } = check;
    const lease: LeaseRecord = {
      ...this.leases.create(job, entry.index, entry.inputJson, v, this.clock()),
      check: true,
    };
    entry.doneBy.add(v.id);
    this.leases.attachCheck(lease, check, v);
    return lease;
  }

  /** Ends a lease without a result; `exclude` keeps the task from that volunteer. */
  private endLease(
    lease: LeaseRecord,
    end: Exclude<LeaseEnd, 'returned'>,
    exclude = end === 'expired',
  ): void {
    if (this.leases.checkOf(lease.id)) {
      this.leases.detachCheck(lease);
      this.emit('lease:ended', { lease, end });
      return;
    }
    const task = this.leases.taskOf(lease.id);
    if (!task) return;
    this.leases.detach(lease, task);
    this.emit('lease:ended', { lease, end });
    if (end !== 'cancelled')
      this.jobs.putBack(task, lease.volunteerId, exclude);
  }
}
