/**
 * The jobs in play, and how their tasks enter and leave it. A job's pending
 * tasks come from the store a page at a time, in serving order, as its open
 * list runs dry; each is admitted as task state, open for its first
 * replicas, or judged at once when it already has results (a restart, a
 * reopen). A task leaves play when its verdict (verdicts.ts) settles or
 * fails it. A job drains, and is forgotten, once the store has no more of
 * its tasks and none is left in play. That is looked for after the event
 * of the task that left, so listeners hear of the task's end before the
 * job's.
 */
import { comparatorFor } from '../verify/compare.ts';
import { CheckPool } from './checks.ts';
import type { Emit } from './events.ts';
import type { CheckLease, LeaseBook } from './leases.ts';
import { openTask, type JobState, type TaskState } from './task-state.ts';
import type { TaskTiming } from './timing.ts';
import type {
  JobInfo,
  LeaseRecord,
  ResultRecord,
  TaskRecord,
  TaskSource,
} from './types.ts';
import { Verdicts } from './verdicts.ts';

export class Jobs {
  private readonly byId = new Map<string, JobState>();
  private readonly verdicts: Verdicts;

  constructor(
    private readonly source: TaskSource,
    private readonly pageSize: number,
    /** Lease ends without a result a task may suffer, per replica allowed. */
    private readonly lostPerReplica: number,
    private readonly random: () => number,
    private readonly timing: TaskTiming,
    private readonly leases: LeaseBook,
    credibility: (volunteerId: string) => number,
    private readonly emit: Emit,
  ) {
    this.verdicts = new Verdicts(this.byId, leases, credibility, emit);
  }

  get(jobId: string): JobState | undefined {
    return this.byId.get(jobId);
  }

  has(jobId: string): boolean {
    return this.byId.has(jobId);
  }

  values(): IterableIterator<JobState> {
    return this.byId.values();
  }

  /** Puts a job in play with its first page of tasks, unless it is already. */
  add(info: JobInfo, now: number): void {
    if (this.byId.has(info.id)) return;
    const job: JobState = {
      info,
      compare: comparatorFor(info.compare),
      open: [],
      active: new Map(),
      cursor: null,
      exhausted: false,
      loading: false,
      lastServedAt: now,
      checks: new CheckPool(256, this.random),
    };
    this.byId.set(info.id, job);
    this.loadPage(job);
    if (this.byId.has(info.id)) this.emit('work:available', undefined);
  }

  /** Ends every lease of the job as cancelled and takes it out of play. */
  cancel(jobId: string): void {
    const job = this.byId.get(jobId);
    if (!job) return;
    for (const task of job.active.values()) this.leases.cancelAll(task);
    this.byId.delete(jobId);
  }

  /** Puts a settled task back in play; false when its job is not in play. */
  reopen(record: TaskRecord): boolean {
    const job = this.byId.get(record.jobId);
    if (!job) return false;
    if (!job.active.has(record.index)) this.admit(job, record);
    return true;
  }

  /**
   * Loads the next page of pending tasks into the job's open list; returns
   * how many came. A task with enough stored results settles as it is
   * admitted, so the job may have drained when this returns.
   */
  loadPage(job: JobState): number {
    const page = this.source.loadPending(
      job.info.id,
      job.cursor,
      this.pageSize,
    );
    const last = page[page.length - 1];
    if (last) job.cursor = { priority: last.priority, index: last.index };
    job.loading = true;
    for (const record of page) this.admit(job, record);
    job.loading = false;
    if (page.length < this.pageSize) job.exhausted = true;
    this.drainIfDone(job);
    return page.length;
  }

  /** Asks for the task's verdict on its results so far (verdicts.ts). */
  judge(task: TaskState): void {
    if (this.verdicts.verify(task)) this.drainIfDone(task.job);
  }

  /** Judges a check lease's result; a settled task it disagrees with is reopened. */
  judgeCheck(
    check: CheckLease,
    lease: LeaseRecord,
    result: ResultRecord,
  ): void {
    const reopened = this.verdicts.judgeCheck(check, lease, result);
    if (reopened) this.admit(check.job, reopened);
  }

  /**
   * A lease of the task ended without a result (not cancelled): the replica
   * goes back to be leased again, to another volunteer when `exclude`, or
   * the task fails once it has lost too many.
   */
  putBack(task: TaskState, volunteerId: string, exclude: boolean): void {
    if (!task.job.active.has(task.index)) return;
    if (exclude) (task.expiredOn ??= new Set()).add(volunteerId);
    task.lost++;
    if (task.lost > this.lostPerReplica * task.job.info.maxReplicas) {
      this.verdicts.fail(task, 'leases-lost');
      this.drainIfDone(task.job);
      return;
    }
    task.needed++;
    openTask(task);
    this.emit('work:available', undefined);
  }

  /** Takes a caught volunteer's results out of play and judges those tasks again. */
  forgetResultsOf(volunteerId: string): void {
    for (const job of [...this.byId.values()]) {
      job.checks.dropVolunteer(volunteerId);
      for (const task of [...job.active.values()]) {
        const kept = task.results.filter((r) => r.volunteerId !== volunteerId);
        if (kept.length === task.results.length) continue;
        task.results = kept;
        if (task.leases.size + task.needed === 0) this.judge(task);
      }
    }
  }

  /** Replicas wanted and not yet leased, per job. */
  queueDepth(): Map<string, number> {
    const depth = new Map<string, number>();
    for (const [id, job] of this.byId) {
      let n = 0;
      for (const task of job.open) n += task.needed;
      depth.set(id, n);
    }
    return depth;
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
      this.judge(task);
    }
  }

  /**
   * Forgets the job if it has drained; true when it has. With nothing left
   * in play but the last page a full one, the store is asked for more.
   */
  private drainIfDone(job: JobState): boolean {
    if (job.loading || job.active.size > 0) return false;
    if (!this.byId.has(job.info.id)) return true;
    if (!job.exhausted) {
      this.loadPage(job);
      return !this.byId.has(job.info.id);
    }
    this.byId.delete(job.info.id);
    this.timing.forgetJob(job.info.id);
    this.emit('job:drained', { jobId: job.info.id });
    return true;
  }
}
