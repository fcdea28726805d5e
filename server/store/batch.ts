/**
 * A batch of state changes committed together in one transaction (group
 * commit). The coordinator adds to the open batch as events happen; the
 * commit queue applies it on its next tick. Applying is idempotent per row
 * id, so the order within a batch is: replicas, then tasks, then jobs.
 */
import type { Db } from './db.ts';

export interface ReplicaRow {
  id: number;
  jobId: string;
  taskIndex: number;
  volunteerId: string;
  state: 'returned' | 'expired' | 'lost' | 'released' | 'cancelled';
  leasedAt: number;
  endedAt: number;
  elapsedMs: number | null;
  output: string | null;
  error: string | null;
  resultHash: string | null;
  verdict: 'pending' | 'agreed' | 'disagreed' | 'none';
}

export interface TaskEnd {
  jobId: string;
  index: number;
  state: 'settled' | 'failed';
  output: string | null;
  error: string | null;
  resultHash: string | null;
  at: number;
}

export interface JobDelta {
  settled: number;
  failed: number;
  errored: number;
  replicas: number;
  reissued: number;
  startedAt?: number;
}

export interface VolunteerDelta {
  agreed: number;
  disagreed: number;
  errors: number;
  creditMs: number;
}

export class Batch {
  readonly replicas = new Map<number, ReplicaRow>();
  readonly verdicts = new Map<number, ReplicaRow['verdict']>();
  readonly taskEnds: TaskEnd[] = [];
  readonly jobDeltas = new Map<string, JobDelta>();
  readonly jobStates: { jobId: string; state: string; at: number }[] = [];
  readonly volunteerDeltas = new Map<string, VolunteerDelta>();
  size = 0;

  addReplica(row: ReplicaRow): void {
    this.replicas.set(row.id, row);
    this.size++;
  }

  /** Sets a replica's verdict, in place when the replica is in this batch too. */
  setVerdict(id: number, verdict: ReplicaRow['verdict']): void {
    const row = this.replicas.get(id);
    if (row) row.verdict = verdict;
    else this.verdicts.set(id, verdict);
    this.size++;
  }

  endTask(end: TaskEnd): void {
    this.taskEnds.push(end);
    this.size++;
  }

  job(jobId: string): JobDelta {
    let delta = this.jobDeltas.get(jobId);
    if (!delta) {
      delta = { settled: 0, failed: 0, errored: 0, replicas: 0, reissued: 0 };
      this.jobDeltas.set(jobId, delta);
    }
    return delta;
  }

  setJobState(jobId: string, state: string, at: number): void {
    this.jobStates.push({ jobId, state, at });
    this.size++;
  }

  volunteer(volunteerId: string): VolunteerDelta {
    let delta = this.volunteerDeltas.get(volunteerId);
    if (!delta) {
      delta = { agreed: 0, disagreed: 0, errors: 0, creditMs: 0 };
      this.volunteerDeltas.set(volunteerId, delta);
    }
    return delta;
  }
}

/** Prepared statements for applying batches, made once per database. */
export function batchApplier(db: Db): (batch: Batch) => void {
  const insertReplica = db.prepare(
    `INSERT OR REPLACE INTO replicas (id, job_id, task_idx, volunteer_id, state, leased_at,
       ended_at, elapsed_ms, output, error, result_hash, verdict)
     VALUES (@id, @jobId, @taskIndex, @volunteerId, @state, @leasedAt,
       @endedAt, @elapsedMs, @output, @error, @resultHash, @verdict)`,
  );
  const setVerdict = db.prepare('UPDATE replicas SET verdict = ? WHERE id = ?');
  const endTask = db.prepare(
    `UPDATE tasks SET state = @state, output = @output, error = @error,
       result_hash = @resultHash, settled_at = @at
     WHERE job_id = @jobId AND idx = @index AND state = 'pending'`,
  );
  const jobDelta = db.prepare(
    `UPDATE jobs SET settled = settled + @settled, failed = failed + @failed,
       errored = errored + @errored, replicas = replicas + @replicas,
       reissued = reissued + @reissued,
       started_at = coalesce(started_at, @startedAt),
       state = CASE WHEN state = 'queued' AND @startedAt IS NOT NULL THEN 'running' ELSE state END
     WHERE id = @jobId`,
  );
  const jobState = db.prepare(
    `UPDATE jobs SET state = @state,
       finished_at = CASE WHEN @state IN ('done', 'failed', 'cancelled') THEN @at ELSE finished_at END
     WHERE id = @jobId AND state NOT IN ('done', 'failed', 'cancelled')`,
  );
  const volunteerDelta = db.prepare(
    `UPDATE volunteers SET agreed = agreed + @agreed, disagreed = disagreed + @disagreed,
       errors = errors + @errors, credit_ms = credit_ms + @creditMs
     WHERE id = @volunteerId`,
  );
  return db.transaction((batch: Batch) => {
    for (const row of batch.replicas.values()) insertReplica.run(row);
    for (const [id, verdict] of batch.verdicts) setVerdict.run(verdict, id);
    for (const end of batch.taskEnds) endTask.run(end);
    for (const [jobId, d] of batch.jobDeltas) {
      jobDelta.run({ jobId, ...d, startedAt: d.startedAt ?? null });
    }
    for (const s of batch.jobStates) jobState.run(s);
    for (const [volunteerId, d] of batch.volunteerDeltas)
      volunteerDelta.run({ volunteerId, ...d });
  });
}
