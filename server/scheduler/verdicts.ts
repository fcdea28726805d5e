/**
 * What results add up to. A task's results go to the quorum rule
 * (verify/quorum.ts), weighed by their volunteers' credibility: it settles
 * the task, fails it, asks for more replicas, or waits for the leases still
 * out. A task that settles or fails leaves play and its other leases are
 * cancelled; one that settles joins its job's check pool. A check lease's
 * result is compared with the known output instead; a settled task whose
 * check disagrees goes back in play with all its results.
 *
 * A verdict never drains a job itself: jobs.ts looks for that after the
 * task's event.
 */
import { decide, type Counted } from '../verify/quorum.ts';
import type { Emit } from './events.ts';
import type { CheckLease, LeaseBook } from './leases.ts';
import {
  closeTask,
  openTask,
  type JobState,
  type TaskState,
} from './task-state.ts';
import type { LeaseRecord, ResultRecord, TaskRecord } from './types.ts';

export class Verdicts {
  constructor(
    private readonly jobs: ReadonlyMap<string, JobState>,
    private readonly leases: LeaseBook,
    private readonly credibility: (volunteerId: string) => number,
    private readonly emit: Emit,
  ) {}

  /**
   * Applies the quorum rule to the task's results so far. True when the task
   * left play (settled or failed): the caller then sees whether its job drained.
   */
  verify(task: TaskState): boolean {
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
    const decision = decide(counted, outstanding, params, task.job.compare);
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
        return true;
      case 'fail':
        this.fail(task, 'no-quorum');
        return true;
      case 'more':
        task.needed += decision.replicas;
        openTask(task);
        this.emit('work:available', undefined);
        return false;
      case 'wait':
        return false;
    }
  }

  /** Takes the task out of play as failed; the caller then sees whether its job drained. */
  fail(task: TaskState, reason: 'no-quorum' | 'leases-lost'): void {
    this.finish(task);
    this.emit('task:failed', {
      jobId: task.job.info.id,
      index: task.index,
      reason,
      results: task.results,
    });
  }

  /**
   * Compares a check's result with the known output. A settled task whose
   * check disagrees leaves the check pool, and is returned with its results
   * and the check's for the caller to put back in play; otherwise null.
   */
  judgeCheck(
    { job, entry }: CheckLease,
    lease: LeaseRecord,
    result: ResultRecord,
  ): TaskRecord | null {
    const passed = job.compare(entry.expected, {
      kind: result.kind,
      canonical: result.canonical,
    });
    this.emit('check:done', { lease, result, source: entry.source, passed });
    // The job may have drained or gone while the check was out.
    if (passed || entry.source === 'canary' || !this.jobs.has(job.info.id))
      return null;
    job.checks.remove(entry);
    if (job.active.has(entry.index)) return null;
    const results = [...entry.results, result];
    this.emit('task:reopened', {
      jobId: job.info.id,
      index: entry.index,
      results,
    });
    return {
      jobId: job.info.id,
      index: entry.index,
      inputJson: entry.inputJson,
      priority: entry.priority,
      results,
    };
  }

  /** Takes a settled or failed task out of play and cancels its other leases. */
  private finish(task: TaskState): void {
    closeTask(task);
    task.needed = 0;
    task.job.active.delete(task.index);
    this.leases.cancelAll(task);
  }
}
