/**
 * Backtracking after a volunteer is caught: every settled task in whose
 * winning group its result stands is judged again from the store's record,
 * without the results of banned volunteers. A task whose output still stands
 * keeps it; any other is reopened (set back to pending with the results that
 * still count) so that more replicas are issued, and a finished job goes
 * back to running. So no output a caught volunteer vouched for reaches the
 * download unless honest results still carry it.
 */
import { comparatorFor } from './verify/compare.ts';
import { decide, type Counted } from './verify/quorum.ts';
import type { Store } from './store/store.ts';
import type { Batch } from './store/batch.ts';
import type { TrustRecords } from './trust.ts';
import type { ResultRecord, TaskRecord } from './scheduler/types.ts';

export interface Reopened {
  jobId: string;
  record: TaskRecord;
}

/** Judges again the tasks the volunteer helped settle; returns those to reopen. */
export function backtrack(
  store: Store,
  trust: TrustRecords,
  batch: Batch,
  volunteerId: string,
): Reopened[] {
  const reopened: Reopened[] = [];
  for (const { jobId, index } of store.tasks.settledWith(volunteerId)) {
    const job = store.jobs.get(jobId);
    const task = store.tasks.get(jobId, index);
    if (!job || !task || job.state === 'cancelled' || task.state !== 'settled')
      continue;
    const all = store.tasks.resultsOf(jobId, index);
    const kept = all.filter((r) => !trust.isBanned(r.volunteerId));
    for (const r of all)
      if (trust.isBanned(r.volunteerId))
        batch.setVerdict(r.replicaId, 'rejected');
    const counted: Counted<ResultRecord>[] = kept.map((r) => ({
      value: { kind: r.kind, canonical: r.canonical },
      credibility: trust.credibility(r.volunteerId),
      item: r,
    }));
    const p = job.params;
    const decision = decide(
      counted,
      0,
      {
        mode: p.verification,
        quorum: p.quorum,
        maxReplicas: Number.MAX_SAFE_INTEGER,
        targetErrorRate: p.targetErrorRate,
        minAgreeing: 1,
      },
      comparatorFor(p.compare),
    );
    if (decision.kind === 'settle' && decision.winner.hash === task.resultHash)
      continue;
    batch.reopenTask(jobId, index);
    for (const r of kept) batch.setVerdict(r.replicaId, 'pending');
    const delta = batch.job(jobId);
    delta.settled--;
    if (task.error !== null) delta.errored--;
    delta.reopened++;
    reopened.push({
      jobId,
      record: {
        jobId,
        index,
        inputJson: task.input,
        priority: store.tasks.priority(jobId, index),
        results: kept,
      },
    });
  }
  return reopened;
}
