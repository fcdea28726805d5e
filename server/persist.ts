/**
 * How scheduler events become rows in the open batch (group commit). Pure
 * writes: what the coordinator does besides (frames, trust, bans, job ends)
 * stays in coordinator.ts, verdict-records.ts and bans.ts. Counts are of a
 * job's own tasks; reduce tasks, at indexes from REDUCE_BASE up, are counted
 * by their level instead.
 */
import type { Batch, ReplicaRow } from './store/batch.ts';
import type { SchedulerEvents } from './scheduler/scheduler.ts';
import type { LeaseEnd, LeaseRecord, ResultRecord } from './scheduler/types.ts';
import { REDUCE_BASE } from './jobs/reduce.ts';

/** A replica's row, written out in full: one per result, on the hot path. */
function replicaRow(
  lease: LeaseRecord,
  state: ReplicaRow['state'],
  result: ResultRecord | null,
): ReplicaRow {
  return {
    id: lease.id,
    jobId: lease.jobId,
    taskIndex: lease.taskIndex,
    volunteerId: lease.volunteerId,
    state,
    leasedAt: lease.leasedAt,
    endedAt: Date.now(),
    elapsedMs: result ? result.elapsedMs : null,
    output: result?.kind === 'output' ? result.canonical : null,
    error: result?.kind === 'error' ? result.detail : null,
    resultHash: result ? result.hash : null,
    verdict: result ? 'pending' : 'none',
  };
}

export function writeLeaseEnd(
  batch: Batch,
  lease: LeaseRecord,
  end: Exclude<LeaseEnd, 'returned'>,
): void {
  batch.addReplica(replicaRow(lease, end, null));
  if (end !== 'cancelled') batch.job(lease.jobId).reissued++;
}

export function writeResult(
  batch: Batch,
  lease: LeaseRecord,
  result: ResultRecord,
): void {
  batch.addReplica(replicaRow(lease, 'returned', result));
}

/** The task's row and the job's counters; verdicts are the caller's. */
export function writeSettlement(
  batch: Batch,
  e: SchedulerEvents['task:settled'],
): void {
  const isError = e.winner.kind === 'error';
  batch.endTask({
    jobId: e.jobId,
    index: e.index,
    state: 'settled',
    output: isError ? null : e.winner.canonical,
    error: isError ? e.winner.detail : null,
    resultHash: e.winner.hash,
    credibility: e.credibility,
    at: Date.now(),
  });
  const delta = batch.job(e.jobId);
  if (e.index < REDUCE_BASE) {
    delta.settled++;
    if (isError) delta.errored++;
  }
  delta.disagreements += e.disagreed.length;
  delta.errorSum += 1 - e.credibility;
}

export function writeFailure(
  batch: Batch,
  e: SchedulerEvents['task:failed'],
): void {
  const groups = new Set(e.results.map((r) => r.hash)).size;
  const message =
    e.reason === 'no-quorum'
      ? `no quorum: ${e.results.length} results in ${groups} disagreeing groups`
      : 'too many leases ended without a result (volunteers lost or timed out)';
  const code = e.reason === 'no-quorum' ? 'NO_QUORUM' : 'LEASES_LOST';
  batch.endTask({
    jobId: e.jobId,
    index: e.index,
    state: 'failed',
    output: null,
    error: JSON.stringify({ code, message }),
    resultHash: null,
    credibility: null,
    at: Date.now(),
  });
  for (const r of e.results) batch.setVerdict(r.replicaId, 'none');
  if (e.index < REDUCE_BASE) batch.job(e.jobId).failed++;
}

export function writeReopen(
  batch: Batch,
  e: SchedulerEvents['task:reopened'],
): void {
  batch.reopenTask(e.jobId, e.index);
  for (const r of e.results) batch.setVerdict(r.replicaId, 'pending');
  const delta = batch.job(e.jobId);
  if (e.index < REDUCE_BASE) {
    delta.settled--;
    if (e.results[0]?.kind === 'error') delta.errored--;
  }
  delta.reopened++;
}
