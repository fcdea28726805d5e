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
  /** `rejected`: the volunteer was caught; the result no longer counts. */
  verdict: 'pending' | 'agreed' | 'disagreed' | 'rejected' | 'none';
}

export interface TaskEnd {
  jobId: string;
  index: number;
  state: 'settled' | 'failed';
  output: string | null;
  error: string | null;
  resultHash: string | null;
  /** Probability that the settled output is right; null for failed tasks. */
  credibility: number | null;
  at: number;
}

export interface JobDelta {
  settled: number;
  failed: number;
  errored: number;
  replicas: number;
  reissued: number;
  disagreements: number;
  checks: number;
  reopened: number;
  /** Sum of (1 - credibility) over settlements, less that of reopened ones. */
  errorSum: number;
  startedAt?: number;
}

export interface VolunteerDelta {
  agreed: number;
  disagreed: number;
  errors: number;
  creditMs: number;
  canariesPassed: number;
  canariesFailed: number;
}

export class Batch {
  readonly replicas = new Map<number, ReplicaRow>();
  readonly verdicts = new Map<number, ReplicaRow['verdict']>();
  /** Task ends and reopens, applied in the order they happened. */
  readonly taskOps: (
    ({ op: 'end' } & TaskEnd) | { op: 'reopen'; jobId: string; index: number }
  )[] = [];
  /** Finished jobs put back to running because a task reopened. */
  readonly jobReopens = new Set<string>();
  readonly jobDeltas = new Map<string, JobDelta>();
  readonly jobStates: { jobId: string; state: string; at: number }[] = [];
  readonly volunteerDeltas = new Map<string, VolunteerDelta>();
  /** Bans, committed with the verdicts that caused them. */
  readonly bans: { volunteerId: string; reason: string; at: number }[] = [];
  size = 0;
  /** Characters of outputs and errors held: what makes a batch heavy. */
  chars = 0;

  addReplica(row: ReplicaRow): void {
    this.replicas.set(row.id, row);
    this.size++;
    this.chars += (row.output?.length ?? 0) + (row.error?.length ?? 0);
  }

  /** Sets a replica's verdict, in place when the replica is in this batch too. */
  setVerdict(id: number, verdict: ReplicaRow['verdict']): void {
    const row = this.replicas.get(id);
    if (row) row.verdict = verdict;
    else this.verdicts.set(id, verdict);
    this.size++;
  }

  /** Puts a settled task back to pending; the job, if finished, back to running. */
  reopenTask(jobId: string, index: number): void {
    this.taskOps.push({ op: 'reopen', jobId, index });
    this.jobReopens.add(jobId);
    this.size++;
  }

  endTask(end: TaskEnd): void {
    this.taskOps.push({ op: 'end', ...end });
    this.size++;
  }

  job(jobId: string): JobDelta {
    let delta = this.jobDeltas.get(jobId);
    if (!delta) {
      delta = {
        settled: 0,
        failed: 0,
        errored: 0,
        replicas: 0,
        reissued: 0,
        disagreements: 0,
        checks: 0,
        reopened: 0,
        errorSum: 0,
      };
      this.jobDeltas.set(jobId, delta);
    }
    return delta;
  }

  setJobState(jobId: string, state: string, at: number): void {
    this.jobStates.push({ jobId, state, at });
    this.size++;
  }

  banVolunteer(volunteerId: string, reason: string, at: number): void {
    this.bans.push({ volunteerId, reason, at });
    this.size++;
  }

  volunteer(volunteerId: string): VolunteerDelta {
    let delta = this.volunteerDeltas.get(volunteerId);
    if (!delta) {
      delta = {
        agreed: 0,
        disagreed: 0,
        errors: 0,
        creditMs: 0,
        canariesPassed: 0,
        canariesFailed: 0,
      };
      this.volunteerDeltas.set(volunteerId, delta);
    }
    return delta;
  }
}

/** What applying reads of a batch: the fields a copy sent to the writer thread keeps. */
export type BatchData = Pick<
  Batch,
  | 'replicas'
  | 'verdicts'
  | 'taskOps'
  | 'jobReopens'
  | 'jobDeltas'
  | 'jobStates'
  | 'volunteerDeltas'
  | 'bans'
>;

/** Prepared statements for applying batches, made once per database. */
export function batchApplier(db: Db): (batch: BatchData) => void {
  // The two statements run per result bind by position: by name costs a
  // property lookup per column.
  const insertReplica = db.prepare(
    `INSERT OR REPLACE INTO replicas (id, job_id, task_idx, volunteer_id, state, leased_at,
       ended_at, elapsed_ms, output, error, result_hash, verdict)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setVerdict = db.prepare('UPDATE replicas SET verdict = ? WHERE id = ?');
  const reopenJob = db.prepare(
    `UPDATE jobs SET state = 'running', finished_at = NULL
     WHERE id = ? AND state IN ('done', 'failed')`,
  );
  const reopen = db.prepare(
    `UPDATE tasks SET state = 'pending', output = NULL, error = NULL, result_hash = NULL,
       credibility = NULL, settled_at = NULL
     WHERE job_id = ? AND idx = ? AND state = 'settled'`,
  );
  const endTask = db.prepare(
    `UPDATE tasks SET state = ?, output = ?, error = ?, result_hash = ?,
       credibility = ?, settled_at = ?
     WHERE job_id = ? AND idx = ? AND state = 'pending'`,
  );
  const jobDelta = db.prepare(
    `UPDATE jobs SET settled = settled + @settled, failed = failed + @failed,
       errored = errored + @errored, replicas = replicas + @replicas,
       reissued = reissued + @reissued, disagreements = disagreements + @disagreements,
       checks = checks + @checks, reopened = reopened + @reopened,
       error_sum = error_sum + @errorSum,
       started_at = coalesce(started_at, @startedAt),
       state = CASE WHEN state = 'queued' AND @startedAt IS NOT NULL THEN 'running' ELSE state END
     WHERE id = @jobId`,
  );
  const jobState = db.prepare(
    `UPDATE jobs SET state = @state,
       finished_at = CASE WHEN @state IN ('done', 'failed', 'cancelled')
         THEN @at ELSE finished_at END
     WHERE id = @jobId AND state NOT IN ('done', 'failed', 'cancelled')`,
  );
  const volunteerDelta = db.prepare(
    `UPDATE volunteers SET agreed = agreed + @agreed, disagreed = disagreed + @disagreed,
       errors = errors + @errors, credit_ms = credit_ms + @creditMs,
       canaries_passed = canaries_passed + @canariesPassed,
       canaries_failed = canaries_failed + @canariesFailed
     WHERE id = @volunteerId`,
  );
  const ban = db.prepare(
    `UPDATE volunteers SET banned_at = ?, banned_reason = ?
     WHERE id = ? AND banned_at IS NULL`,
  );
  return db.transaction((batch: BatchData) => {
    for (const r of batch.replicas.values())
      insertReplica.run(
        r.id,
        r.jobId,
        r.taskIndex,
        r.volunteerId,
        r.state,
        r.leasedAt,
        r.endedAt,
        r.elapsedMs,
        r.output,
        r.error,
        r.resultHash,
        r.verdict,
      );
    for (const [id, verdict] of batch.verdicts) setVerdict.run(verdict, id);
    for (const t of batch.taskOps) {
      if (t.op === 'reopen') reopen.run(t.jobId, t.index);
      else
        endTask.run(
          t.state,
          t.output,
          t.error,
          t.resultHash,
          t.credibility,
          t.at,
          t.jobId,
          t.index,
        );
    }
    for (const jobId of batch.jobReopens) reopenJob.run(jobId);
    for (const [jobId, d] of batch.jobDeltas) {
      jobDelta.run({ jobId, ...d, startedAt: d.startedAt ?? null });
    }
    for (const s of batch.jobStates) jobState.run(s);
    for (const [volunteerId, d] of batch.volunteerDeltas)
      volunteerDelta.run({ volunteerId, ...d });
    for (const b of batch.bans) ban.run(b.at, b.reason, b.volunteerId);
  });
}
