/**
 * Moving a job with a reduce stage on once a level (or the map stage) has
 * drained: the next level is built from this one's outputs as the store
 * holds them (jobs/reduce.ts), so it waits for their commit first. While it
 * waits, the job may be cancelled, or put back in play by a ban that
 * reopened one of its tasks; then nothing is built, and the job's next drain
 * moves it on.
 */
import type { FastifyBaseLogger } from 'fastify';
import { nextReduceStep } from './jobs/reduce.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import type { CommitQueue } from './store/commit-queue.ts';
import type { JobRow } from './store/jobs.ts';
import type { Store } from './store/store.ts';

export interface ReduceStagesOptions {
  commits: CommitQueue;
  store: Store;
  scheduler: Scheduler;
  /** Whether the coordinator still runs the job (it was not cancelled). */
  isLive(jobId: string): boolean;
  /** Puts the job back in play from its row, at its new level. */
  restart(row: JobRow): void;
  /** Marks the job done: its last level had one task, whose output is the reduced value. */
  finish(jobId: string): void;
  log: FastifyBaseLogger;
  onFatal(err: Error): void;
}

export class ReduceStages {
  /** Jobs whose drained level waits for its outputs to commit. */
  private readonly advancing = new Set<string>();

  constructor(private readonly options: ReduceStagesOptions) {}

  /** Starts the job's next level, or finishes it; once per drained level. */
  advance(jobId: string): void {
    if (this.advancing.has(jobId)) return;
    this.advancing.add(jobId);
    this.next(jobId).catch((err: Error) => this.options.onFatal(err));
  }

  private async next(jobId: string): Promise<void> {
    const { commits, store, scheduler, log } = this.options;
    await commits.settle();
    this.advancing.delete(jobId);
    const row = store.jobs.get(jobId);
    if (!row || !this.options.isLive(jobId) || scheduler.hasJob(jobId)) return;
    const step = nextReduceStep(store, row, row.params.reduceBatchSize);
    if (step.kind === 'done') {
      store.jobs.setReduced(jobId, step.reducedJson);
      this.options.finish(jobId);
      return;
    }
    log.info(
      { jobId, level: step.level, tasks: step.tasks },
      'reduce level started',
    );
    this.options.restart(store.jobs.get(jobId)!);
  }
}
