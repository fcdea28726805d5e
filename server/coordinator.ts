/**
 * The coordinator ties the scheduler to the store and to volunteer sessions.
 * Scheduler events become rows in the open batch (group commit) and frames to
 * volunteers; a volunteer's result is acknowledged only after the commit
 * holding it. Jobs whose tasks have all ended are marked done or failed.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Scheduler } from './scheduler/scheduler.ts';
import { CommitQueue } from './store/commit-queue.ts';
import { defaultCheckRate } from './scheduler/checks.ts';
import type { Store } from './store/store.ts';
import type { JobParams, JobRow } from './store/jobs.ts';
import type { LeaseRecord, ResultRecord } from './scheduler/types.ts';
import type { VolunteerSession } from './ws/session.ts';
import { Emitter } from '../shared/emitter.ts';
import { TrustRecords } from './trust.ts';
import { Bans, type BanOutcome } from './bans.ts';
import { VerdictRecords, type TaskEnded } from './verdict-records.ts';
import { writeLeaseEnd, writeReopen, writeResult } from './persist.ts';
import { ReduceStages } from './reduce-stages.ts';

export interface CoordinatorOptions {
  store: Store;
  log: FastifyBaseLogger;
  commitIntervalMs?: number;
  prefetch?: number;
  onFatal(err: Error): void;
  /**
   * A volunteer with at least this many rejected results, and more rejected
   * than agreed, is banned.
   */
  banAfterDisagreements?: number;
  /** The share of volunteers assumed to be saboteurs, for credibility. */
  faultRate?: number;
  /** How long a disconnected volunteer's leases wait for it to come back. */
  reconnectGraceMs?: number;
  /** Most of a new volunteer's leases that are spot checks (checks.ts). */
  maxCheckRate?: number;
}

/** What the rest of the server needs to know about a job that is in play. */
export interface LiveJob {
  id: string;
  owner: string;
  name: string;
  description: string;
  codeHash: string;
  code: string;
  params: JobParams;
  started: boolean;
  failed: number;
}

export interface CoordinatorEvents {
  'job:finished': { jobId: string; state: 'done' | 'failed' | 'cancelled' };
  'task:ended': TaskEnded;
  committed: { size: number; durationMs: number };
  'volunteer:banned': BanOutcome;
  /** Leases sent in one assign frame; `waitedMs` since the volunteer first asked for them. */
  'leases:assigned': { volunteerId: string; count: number; waitedMs: number };
}

export class Coordinator extends Emitter<CoordinatorEvents> {
  readonly scheduler: Scheduler;
  readonly commits: CommitQueue;
  readonly store: Store;
  private readonly log: FastifyBaseLogger;
  private readonly jobs = new Map<string, LiveJob>();
  private readonly sessions = new Map<string, VolunteerSession>();
  private readonly hungry = new Set<VolunteerSession>();
  private fillScheduled = false;
  /** When each session first asked for work it has not yet been given (performance.now()). */
  private readonly wantedSince = new Map<VolunteerSession, number>();
  /** Set while stopping: no new lease goes out. */
  private draining = false;
  readonly trust: TrustRecords;
  private readonly bans: Bans;
  private readonly verdicts: VerdictRecords;
  private readonly reduces: ReduceStages;
  private expiryTimer: ReturnType<typeof setInterval> | null = null;
  private readonly onFatal: (err: Error) => void;

  constructor(options: CoordinatorOptions) {
    super();
    this.store = options.store;
    this.onFatal = options.onFatal;
    this.log = options.log;
    this.trust = new TrustRecords(options.store, {
      ...(options.faultRate !== undefined
        ? { faultRate: options.faultRate }
        : {}),
      ...(options.banAfterDisagreements !== undefined
        ? { banAfterDisagreements: options.banAfterDisagreements }
        : {}),
    });
    this.commits = new CommitQueue({
      write: options.store.write,
      intervalMs: options.commitIntervalMs ?? 5,
      onFatal: (err) => this.fatal(err, 'commit failed'),
      onCommit: (info) => this.emit('committed', info),
    });
    this.scheduler = new Scheduler({
      source: options.store.source,
      ...(options.prefetch ? { prefetch: options.prefetch } : {}),
      firstLeaseId: options.store.tasks.maxReplicaId() + 1,
      credibility: (volunteerId) => this.trust.credibility(volunteerId),
      reconnectGraceMs: options.reconnectGraceMs ?? 0,
      checkRate: (credibility) =>
        defaultCheckRate(credibility, options.maxCheckRate),
    });
    this.bans = new Bans({
      commits: this.commits,
      scheduler: this.scheduler,
      trust: this.trust,
      store: this.store,
      sessions: this.sessions,
      reload: (row) => this.activate(row),
      refill: () => this.scheduleFill(),
      log: this.log,
      onBanned: (outcome) => this.emit('volunteer:banned', outcome),
      onFatal: (err) => this.fatal(err, 'backtracking after a ban failed'),
    });
    this.verdicts = new VerdictRecords({
      commits: this.commits,
      trust: this.trust,
      bans: this.bans,
      jobs: this.jobs,
      sessions: this.sessions,
      onTaskEnded: (ended) => this.emit('task:ended', ended),
    });
    this.reduces = new ReduceStages({
      commits: this.commits,
      store: this.store,
      scheduler: this.scheduler,
      isLive: (jobId) => this.jobs.has(jobId),
      restart: (row) => {
        this.jobs.delete(row.id);
        this.activate(row);
      },
      finish: (jobId) => this.finishJob(jobId, 'done'),
      log: this.log,
      onFatal: (err) => this.fatal(err, 'starting a reduce level failed'),
    });
    this.listen();
  }

  /** Loads unfinished jobs from the store; the leases of a previous run are gone. */
  start(): void {
    for (const row of this.store.jobs.unfinished()) {
      if (!row.inputsComplete) {
        // An upload that never completed: drop what it inserted, so it can be sent again.
        this.store.tasks.deleteFrom(row.id, 0);
        continue;
      }
      this.activate(row);
    }
    let ticks = 0;
    this.expiryTimer = setInterval(() => {
      this.scheduler.expire();
      // A lease may have grown old enough for an idle volunteer to back it
      // up although no event announced new work: at once when the scheduler
      // knows when (takeBackupDue), else within a second.
      const due = this.scheduler.takeBackupDue();
      if ((due || ++ticks % 4 === 0) && this.hungry.size > 0)
        this.scheduleFill();
    }, 250);
    this.expiryTimer.unref();
  }

  /** Stops handing out work; leases already out may still return results. */
  drain(): void {
    this.draining = true;
  }

  /** Stops timers; resolves once what is queued is committed. */
  async stop(): Promise<void> {
    this.draining = true;
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    await this.commits.close();
  }

  /** Puts a job with complete inputs into play. */
  activate(row: JobRow): void {
    // A job with a reduce stage goes on after its tasks; the drained job advances it.
    if (!row.params.reduce && row.settled + row.failed >= row.total) {
      this.finishJob(row.id, row.failed > 0 ? 'failed' : 'done');
      return;
    }
    const code = this.store.jobs.code(row.codeHash) ?? '';
    this.jobs.set(row.id, {
      id: row.id,
      owner: row.owner,
      name: row.name,
      description: row.description,
      codeHash: row.codeHash,
      code,
      params: row.params,
      started: row.startedAt !== null,
      failed: row.failed,
    });
    this.scheduler.addJob({
      id: row.id,
      owner: row.owner,
      createdAt: row.createdAt,
      ...row.params,
    });
    const canaries = this.store.jobs.canaries(row.id);
    this.scheduler.addCanaries(
      row.id,
      canaries.map((c) => ({
        index: row.total + c.position,
        inputJson: c.input,
        expectedCanonical: c.expected,
      })),
    );
  }

  job(jobId: string): LiveJob | undefined {
    return this.jobs.get(jobId);
  }

  cancelJob(jobId: string): void {
    this.scheduler.cancelJob(jobId);
    this.finishJob(jobId, 'cancelled');
  }

  // ---- sessions ----

  addSession(session: VolunteerSession): void {
    this.sessions
      .get(session.volunteerId)
      ?.close(4000, 'replaced by a newer connection');
    this.sessions.set(session.volunteerId, session);
    const held = this.scheduler.connect(session.volunteerId, session.slots);
    if (held.length > 0) session.sendLeases(held);
    this.fill(session);
  }

  removeSession(session: VolunteerSession): void {
    if (this.sessions.get(session.volunteerId) !== session) return;
    this.sessions.delete(session.volunteerId);
    this.hungry.delete(session);
    this.wantedSince.delete(session);
    this.scheduler.disconnect(session.volunteerId);
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  allSessions(): IterableIterator<VolunteerSession> {
    return this.sessions.values();
  }

  /**
   * Gives the session as many leases as it has room for, and notes it hungry
   * if short. `askedAt` (performance.now()) is when the volunteer's request
   * for work was made, for the assignment latency.
   */
  fill(session: VolunteerSession, askedAt = performance.now()): void {
    if (this.sessions.get(session.volunteerId) !== session) return;
    if (this.draining) return;
    const since = Math.min(this.wantedSince.get(session) ?? askedAt, askedAt);
    const leases = this.scheduler.fill(session.volunteerId);
    if (leases.length > 0) {
      this.noteIssued(leases);
      session.sendLeases(leases);
      this.wantedSince.delete(session);
      this.emit('leases:assigned', {
        volunteerId: session.volunteerId,
        count: leases.length,
        waitedMs: performance.now() - since,
      });
    } else if (this.scheduler.freeCapacity(session.volunteerId) > 0) {
      this.wantedSince.set(session, since);
    }
    if (this.scheduler.freeCapacity(session.volunteerId) > 0)
      this.hungry.add(session);
    else this.hungry.delete(session);
  }

  /** Records a result; false when the lease is not the sender's. */
  result(
    session: VolunteerSession,
    leaseId: number,
    result: Omit<ResultRecord, 'replicaId' | 'volunteerId'>,
  ): boolean {
    const ok = this.scheduler.result(session.volunteerId, leaseId, result);
    if (ok) session.queueAck(leaseId);
    return ok;
  }

  /**
   * Bans a caught volunteer: no new work, its results in play dropped, and
   * every task it helped settle judged again without it (bans.ts).
   */
  ban(volunteerId: string, reason: string): void {
    this.bans.ban(volunteerId, reason);
  }

  // ---- inside ----

  private listen(): void {
    const s = this.scheduler;
    s.on('result:recorded', ({ lease, result }) =>
      this.onResult(lease, result),
    );
    s.on('lease:ended', ({ lease, end }) => {
      writeLeaseEnd(this.commits.open, lease, end);
      if (end === 'cancelled' || end === 'expired') {
        const session = this.sessions.get(lease.volunteerId);
        session?.sendCancel(
          lease.id,
          end === 'expired' ? 'expired' : 'settled',
        );
        // The slot is free again: without this a volunteer filled by a cancelled job idles.
        if (session) {
          this.hungry.add(session);
          this.scheduleFill();
        }
      }
      if (end === 'expired')
        this.log.debug(
          { leaseId: lease.id, jobId: lease.jobId },
          'lease expired',
        );
    });
    s.on('task:settled', (e) => this.verdicts.onSettled(e));
    s.on('check:done', (e) => this.verdicts.onCheck(e));
    s.on('task:reopened', (e) => {
      writeReopen(this.commits.open, e);
      this.log.debug(
        { jobId: e.jobId, index: e.index },
        'a check disagreed; task reopened',
      );
    });
    s.on('task:failed', (e) => this.verdicts.onFailed(e));
    s.on('job:drained', ({ jobId }) => {
      const job = this.jobs.get(jobId);
      if (job && job.failed === 0 && job.params.reduce)
        this.reduces.advance(jobId);
      else this.finishJob(jobId, job && job.failed > 0 ? 'failed' : 'done');
    });
    s.on('work:available', () => this.scheduleFill());
  }

  private onResult(lease: LeaseRecord, result: ResultRecord): void {
    writeResult(this.commits.open, lease, result);
    // The volunteer's slot is free: refill it once this tick's results are in.
    const session = this.sessions.get(lease.volunteerId);
    if (session) session.requestFill();
  }

  private noteIssued(leases: LeaseRecord[]): void {
    const batch = this.commits.open;
    for (const lease of leases) {
      const delta = batch.job(lease.jobId);
      if (!lease.check) delta.replicas++;
      const job = this.jobs.get(lease.jobId);
      if (job && !job.started) {
        job.started = true;
        delta.startedAt = lease.leasedAt;
      }
    }
  }

  private finishJob(
    jobId: string,
    state: 'done' | 'failed' | 'cancelled',
  ): void {
    const job = this.jobs.get(jobId);
    this.jobs.delete(jobId);
    this.commits.open.setJobState(jobId, state, Date.now());
    this.commits.afterCommit(() => {
      this.log.info({ jobId, state, name: job?.name }, 'job finished');
      this.emit('job:finished', { jobId, state });
    });
  }

  private fatal(err: Error, what: string): void {
    this.log.fatal({ err }, `${what}; memory and disk may disagree, stopping`);
    this.onFatal(err);
  }

  private scheduleFill(): void {
    if (this.fillScheduled) return;
    this.fillScheduled = true;
    setImmediate(() => {
      this.fillScheduled = false;
      for (const session of [...this.hungry]) this.fill(session);
    });
  }
}
