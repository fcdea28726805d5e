/**
 * Banning a caught volunteer: it gets no new work, its results in play are
 * dropped, its connection is closed, and every task it helped settle is
 * judged again without it (backtrack.ts). The judging again runs one ban at
 * a time, each after the store holds every verdict so far, so that each ban
 * reads a store that already holds the reopens of the ban before it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Scheduler } from './scheduler/scheduler.ts';
import type { CommitQueue } from './store/commit-queue.ts';
import type { Store } from './store/store.ts';
import type { JobRow } from './store/jobs.ts';
import type { VolunteerSession } from './ws/session.ts';
import type { TrustRecords } from './trust.ts';
import { backtrack } from './backtrack.ts';

/** What a ban came to, once its tasks are judged again. */
export interface BanOutcome {
  volunteerId: string;
  reason: string;
  /** Settled tasks set back to pending because the ban took their quorum away. */
  reopened: number;
}

export interface BansOptions {
  commits: CommitQueue;
  scheduler: Scheduler;
  trust: TrustRecords;
  store: Store;
  /** The live session of each connected volunteer. */
  sessions: ReadonlyMap<string, VolunteerSession>;
  /** Puts a job back in play from its row, pending tasks read from the store. */
  reload(row: JobRow): void;
  /** Offers work to idle volunteers again. */
  refill(): void;
  log: FastifyBaseLogger;
  onBanned(outcome: BanOutcome): void;
  onFatal(err: Error): void;
}

export class Bans {
  /** The backtracking after bans, chained so that they run one at a time. */
  private backtracks: Promise<void> = Promise.resolve();

  constructor(private readonly options: BansOptions) {}

  /**
   * Bans the volunteer unless it is banned already. Runs after the current
   * tick, so the event that caught it finishes first.
   */
  ban(volunteerId: string, reason: string): void {
    const { commits, scheduler, trust, sessions } = this.options;
    if (!trust.markBanned(volunteerId)) return;
    setImmediate(() => {
      commits.open.banVolunteer(volunteerId, reason, Date.now());
      scheduler.ban(volunteerId);
      const session = sessions.get(volunteerId);
      session?.sendError('BANNED', `banned from new work: ${reason}`);
      session?.close(4003, 'banned');
      // A failure here leaves memory and store apart: fatal, like a failed commit.
      this.backtracks = this.backtracks
        .then(() => this.undo(volunteerId, reason))
        .catch((err: Error) => this.options.onFatal(err));
    });
  }

  /** Judges again the tasks the volunteer helped settle; reopens those it no longer holds. */
  private async undo(volunteerId: string, reason: string): Promise<void> {
    const { commits, scheduler, trust, store } = this.options;
    // The store must hold every verdict so far before it is read back.
    await commits.settle();
    const reopened = backtrack(store, trust, commits.open, volunteerId);
    // In the same turn, so that no job in play drains while its task is reopened.
    const reload = new Set<string>();
    for (const r of reopened)
      if (!scheduler.reopen(r.record)) reload.add(r.jobId);
    // Reloading a job reads its pending tasks back, the reopened ones too.
    if (reload.size > 0) await commits.settle();
    for (const jobId of reload) {
      const row = store.jobs.get(jobId);
      if (row) this.options.reload(row);
    }
    if (reopened.length > 0) this.options.refill();
    const outcome = { volunteerId, reason, reopened: reopened.length };
    this.options.log.warn(outcome, 'volunteer banned');
    this.options.onBanned(outcome);
  }
}
