/** The JSON the REST API returns for jobs and tasks, as shared/api-types.ts declares it. */
import type {
  JobView,
  ReplicaView,
  TaskError,
  TaskView,
} from '../../shared/api-types.ts';
import type { JobRow } from '../store/jobs.ts';
import type { ReplicaView as ReplicaRow, TaskRow } from '../store/tasks.ts';
import type { LeaseRecord } from '../scheduler/types.ts';

export function jobView(
  row: JobRow,
  leased: number,
  bannedVolunteers = 0,
): JobView {
  const ended = row.settled + row.failed;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    state: row.state,
    inputsComplete: row.inputsComplete,
    counts: {
      total: row.total,
      settled: row.settled,
      failed: row.failed,
      errored: row.errored,
      pending: Math.max(0, row.total - ended),
      leased,
      replicas: row.replicas,
      reissued: row.reissued,
    },
    /** With a `reduce` export: the level running, and the single value once done. */
    reduce: row.params.reduce
      ? {
          level: row.reduceLevel,
          done: row.reduced !== null,
          value:
            row.reduced === null ? null : (JSON.parse(row.reduced) as unknown),
        }
      : null,
    trust: {
      verification: row.params.verification,
      /** Replicas issued, checks included, per task settled so far. */
      replicasPerSettled:
        row.settled > 0 ? (row.replicas + row.checks) / row.settled : null,
      disagreements: row.disagreements,
      checks: row.checks,
      reopened: row.reopened,
      volunteersBanned: bannedVolunteers,
      /** Mean probability that a settled output is wrong, by its credibility when it settled. */
      errorBound: row.settled > 0 ? row.errorSum / row.settled : null,
    },
    params: row.params,
    codeHash: row.codeHash,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export function taskView(row: TaskRow): TaskView {
  return {
    index: row.index,
    state: row.state,
    input: JSON.parse(row.input) as unknown,
    output:
      row.output === null ? undefined : (JSON.parse(row.output) as unknown),
    error: parseError(row.error),
    resultHash: row.resultHash,
    settledAt: row.settledAt,
  };
}

export function replicaView(r: ReplicaRow): ReplicaView {
  return {
    id: r.id,
    volunteerId: r.volunteerId,
    state: r.state,
    leasedAt: r.leasedAt,
    endedAt: r.endedAt,
    elapsedMs: r.elapsedMs,
    output: r.output === null ? undefined : (JSON.parse(r.output) as unknown),
    error: parseError(r.error),
    resultHash: r.resultHash,
    verdict: r.verdict,
  };
}

export function liveLeaseView(l: LeaseRecord): ReplicaView {
  return {
    id: l.id,
    volunteerId: l.volunteerId,
    state: 'leased',
    leasedAt: l.leasedAt,
    deadline: l.deadline,
    verdict: 'pending',
  };
}

/** A stored error: what the replicas agreed on, or the server's reason to give up. */
function parseError(json: string | null): TaskError | undefined {
  return json === null ? undefined : (JSON.parse(json) as TaskError);
}

/** One line of the results download. */
export function resultLine(
  index: number,
  state: string,
  output: string | null,
  error: string | null,
): string {
  if (state === 'settled' && output !== null)
    return `{"index":${index},"output":${output}}\n`;
  return `{"index":${index},"error":${error ?? '{"message":"unknown"}'}}\n`;
}
