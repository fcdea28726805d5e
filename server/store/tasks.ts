/** Tasks and their replicas: inserting inputs, paging pending work, reading results. */
import type { Db } from './db.ts';
import type {
  ResultRecord,
  TaskCursor,
  TaskRecord,
} from '../scheduler/types.ts';

export interface TaskInsert {
  inputJson: string;
  priority: number;
}

export interface TaskRow {
  index: number;
  state: 'pending' | 'settled' | 'failed';
  input: string;
  output: string | null;
  error: string | null;
  resultHash: string | null;
  settledAt: number | null;
}

export interface ReplicaView {
  id: number;
  volunteerId: string;
  state: string;
  leasedAt: number;
  endedAt: number;
  elapsedMs: number | null;
  output: string | null;
  error: string | null;
  resultHash: string | null;
  verdict: string;
}

interface PendingRow {
  index: number;
  inputJson: string;
  priority: number;
}

export interface ResultLine {
  index: number;
  state: 'settled' | 'failed';
  output: string | null;
  error: string | null;
}

export function taskQueries(db: Db) {
  const insert = db.prepare(
    'INSERT INTO tasks (job_id, idx, input, priority) VALUES (?, ?, ?, ?)',
  );
  const firstPage = db.prepare(
    `SELECT idx AS "index", input AS inputJson, priority FROM tasks
     WHERE job_id = ? AND state = 'pending'
     ORDER BY priority DESC, idx LIMIT ?`,
  );
  // The page after a cursor is read in two index range scans: one OR of
  // both would make SQLite walk every pending row before the cursor (the
  // leases still out), once per page.
  const restOfPriority = db.prepare(
    `SELECT idx AS "index", input AS inputJson, priority FROM tasks
     WHERE job_id = ? AND state = 'pending' AND priority = ? AND idx > ?
     ORDER BY priority DESC, idx LIMIT ?`,
  );
  const lowerPriorities = db.prepare(
    `SELECT idx AS "index", input AS inputJson, priority FROM tasks
     WHERE job_id = ? AND state = 'pending' AND priority < ?
     ORDER BY priority DESC, idx LIMIT ?`,
  );
  const nextPage = (after: TaskCursor, limit: number, jobId: string) => {
    const rows = restOfPriority.all(
      jobId,
      after.priority,
      after.index,
      limit,
    ) as PendingRow[];
    if (rows.length < limit)
      for (const row of lowerPriorities.all(
        jobId,
        after.priority,
        limit - rows.length,
      ) as PendingRow[])
        rows.push(row);
    return rows;
  };
  const openResults = db.prepare(
    `SELECT id AS replicaId, task_idx AS taskIndex, volunteer_id AS volunteerId,
       output, error, result_hash AS hash, elapsed_ms AS elapsedMs
     FROM replicas
     WHERE job_id = ? AND task_idx BETWEEN ? AND ? AND state = 'returned' AND verdict = 'pending'
     ORDER BY id`,
  );
  const results = db.prepare(
    `SELECT idx AS "index", state, output, error FROM tasks
     WHERE job_id = ? AND idx > ? AND idx < ? AND state <> 'pending' ORDER BY idx LIMIT ?`,
  );
  const one = db.prepare(
    `SELECT idx AS "index", state, input, output, error, result_hash AS resultHash,
       settled_at AS settledAt
     FROM tasks WHERE job_id = ? AND idx = ?`,
  );
  const page = db.prepare(
    `SELECT idx AS "index", state, input, output, error, result_hash AS resultHash,
       settled_at AS settledAt
     FROM tasks WHERE job_id = ? AND idx >= ? ORDER BY idx LIMIT ?`,
  );
  const problems = db.prepare(
    `SELECT idx AS "index", state, input, output, error, result_hash AS resultHash,
       settled_at AS settledAt
     FROM tasks WHERE job_id = ? AND idx >= ? AND error IS NOT NULL ORDER BY idx LIMIT ?`,
  );
  const replicasOf = db.prepare(
    `SELECT id, volunteer_id AS volunteerId, state, leased_at AS leasedAt, ended_at AS endedAt,
       elapsed_ms AS elapsedMs, output, error, result_hash AS resultHash, verdict
     FROM replicas WHERE job_id = ? AND task_idx = ? ORDER BY id`,
  );
  const deleteFrom = db.prepare(
    'DELETE FROM tasks WHERE job_id = ? AND idx >= ?',
  );
  const maxReplica = db.prepare('SELECT max(id) AS id FROM replicas');
  const countRange = db.prepare(
    'SELECT count(*) AS n FROM tasks WHERE job_id = ? AND idx >= ? AND idx < ?',
  );
  const outputsInRange = db.prepare(
    `SELECT idx AS "index", output FROM tasks
     WHERE job_id = ? AND idx >= ? AND idx < ? AND idx > ? AND state = 'settled'
     ORDER BY idx LIMIT ?`,
  );
  const settledWith = db.prepare(
    `SELECT DISTINCT r.job_id AS jobId, r.task_idx AS "index" FROM replicas r
     JOIN tasks t ON t.job_id = r.job_id AND t.idx = r.task_idx
     WHERE r.volunteer_id = ? AND r.verdict = 'agreed' AND t.state = 'settled'`,
  );
  const returned = db.prepare(
    `SELECT id AS replicaId, task_idx AS taskIndex, volunteer_id AS volunteerId,
       output, error, result_hash AS hash, elapsed_ms AS elapsedMs
     FROM replicas
     WHERE job_id = ? AND task_idx = ? AND state = 'returned' AND verdict <> 'rejected'
     ORDER BY id`,
  );
  const priorityOf = db.prepare(
    'SELECT priority FROM tasks WHERE job_id = ? AND idx = ?',
  );

  return {
    /** Inserts tasks at consecutive indexes from `firstIndex`, in one transaction. */
    insertMany: db.transaction(
      (jobId: string, firstIndex: number, rows: TaskInsert[]) => {
        rows.forEach((row, i) =>
          insert.run(jobId, firstIndex + i, row.inputJson, row.priority),
        );
      },
    ),
    deleteFrom(jobId: string, firstIndex: number): void {
      deleteFrom.run(jobId, firstIndex);
    },
    loadPending(
      jobId: string,
      after: TaskCursor | null,
      limit: number,
    ): TaskRecord[] {
      const rows =
        after === null
          ? (firstPage.all(jobId, limit) as PendingRow[])
          : nextPage(after, limit, jobId);
      if (rows.length === 0) return [];
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of rows) {
        lo = Math.min(lo, r.index);
        hi = Math.max(hi, r.index);
      }
      const earlier = new Map<number, ResultRecord[]>();
      for (const raw of openResults.all(jobId, lo, hi) as RawResult[]) {
        const list = earlier.get(raw.taskIndex) ?? [];
        list.push(toResult(raw));
        earlier.set(raw.taskIndex, list);
      }
      return rows.map((r) => ({
        jobId,
        ...r,
        results: earlier.get(r.index) ?? [],
      }));
    },
    /** Ended tasks after `afterIndex`, in index order. */
    /** Ended tasks after `afterIndex`, below `belowIndex` (map tasks, not reduce ones). */
    results(
      jobId: string,
      afterIndex: number,
      limit: number,
      belowIndex = 2 ** 40,
    ): ResultLine[] {
      return results.all(jobId, afterIndex, belowIndex, limit) as ResultLine[];
    },
    get(jobId: string, index: number): TaskRow | undefined {
      return one.get(jobId, index) as TaskRow | undefined;
    },
    page(jobId: string, fromIndex: number, limit: number): TaskRow[] {
      return page.all(jobId, fromIndex, limit) as TaskRow[];
    },
    /** Tasks that failed or settled as an error, in index order. */
    problems(jobId: string, fromIndex: number, limit: number): TaskRow[] {
      return problems.all(jobId, fromIndex, limit) as TaskRow[];
    },
    replicas(jobId: string, index: number): ReplicaView[] {
      return replicasOf.all(jobId, index) as ReplicaView[];
    },
    /** Settled tasks in whose winning group the volunteer's result stands. */
    settledWith(volunteerId: string): { jobId: string; index: number }[] {
      return settledWith.all(volunteerId) as { jobId: string; index: number }[];
    },
    /** Every result a task received that has not been rejected. */
    resultsOf(jobId: string, index: number): ResultRecord[] {
      return (returned.all(jobId, index) as RawResult[]).map(toResult);
    },
    priority(jobId: string, index: number): number {
      const row = priorityOf.get(jobId, index) as
        { priority: number } | undefined;
      return row?.priority ?? 1;
    },
    countRange(jobId: string, from: number, to: number): number {
      return (countRange.get(jobId, from, to) as { n: number }).n;
    },
    /** Settled tasks in [from, to) after `after`, with their outputs (null for errors). */
    outputsInRange(
      jobId: string,
      from: number,
      to: number,
      after: number,
      limit: number,
    ): { index: number; output: string | null }[] {
      return outputsInRange.all(jobId, from, to, after, limit) as {
        index: number;
        output: string | null;
      }[];
    },
    maxReplicaId(): number {
      return (maxReplica.get() as { id: number | null }).id ?? 0;
    },
  };
}

interface RawResult {
  replicaId: number;
  taskIndex: number;
  volunteerId: string;
  output: string | null;
  error: string | null;
  hash: string;
  elapsedMs: number;
}

function toResult(raw: RawResult): ResultRecord {
  const isError = raw.output === null;
  return {
    replicaId: raw.replicaId,
    volunteerId: raw.volunteerId,
    kind: isError ? 'error' : 'output',
    canonical: isError ? canonicalErrorOf(raw.error) : raw.output!,
    hash: raw.hash,
    elapsedMs: raw.elapsedMs,
    detail: raw.error,
  };
}

/** Errors are compared by message alone; the stored error also keeps its stack. */
export function canonicalErrorOf(errorJson: string | null): string {
  const parsed = JSON.parse(errorJson ?? '{}') as {
    message?: string;
    kind?: string;
  };
  return JSON.stringify({ message: parsed.message ?? '' });
}

export type TaskQueries = ReturnType<typeof taskQueries>;
