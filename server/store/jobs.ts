/** Jobs and their code. Code is stored once per SHA-256 of its text. */
import { createHash } from 'node:crypto';
import type { Db } from './db.ts';
import type { Compare } from '../../shared/spec.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** The scheduling parameters of a job, stored as JSON in `jobs.params`. */
export interface JobParams {
  redundancy: number;
  quorum: number;
  maxReplicas: number;
  compare: Compare;
  timeoutMs: number;
  weight: number;
  estimatedTaskMs: number;
  /** The module exports `reduce`: the job ends with a reduce stage. */
  reduce: boolean;
  reduceBatchSize: number;
  verification: 'quorum' | 'adaptive';
  targetErrorRate: number;
  spotCheckRate: number;
}

/** Parameters stored before a field existed read as its default. */
const PARAM_DEFAULTS = {
  reduce: false,
  reduceBatchSize: 100,
  verification: 'quorum',
  targetErrorRate: 0.01,
  spotCheckRate: 0.1,
} as const;

export interface JobRow {
  id: string;
  owner: string;
  name: string;
  description: string;
  codeHash: string;
  params: JobParams;
  state: JobState;
  inputsComplete: boolean;
  total: number;
  settled: number;
  failed: number;
  errored: number;
  replicas: number;
  reissued: number;
  disagreements: number;
  checks: number;
  reopened: number;
  errorSum: number;
  reduceLevel: number;
  /** The reduced value as JSON, once the reduce stage is done. */
  reduced: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

const COLUMNS = `id, owner, name, description, code_hash AS codeHash, params, state,
  inputs_complete AS inputsComplete, total, settled, failed, errored, replicas,
  reissued, disagreements, checks, reopened, error_sum AS errorSum,
  reduce_level AS reduceLevel, reduced,
  created_at AS createdAt, started_at AS startedAt, finished_at AS finishedAt`;

function toRow(raw: unknown): JobRow | undefined {
  if (!raw) return undefined;
  const r = raw as Omit<JobRow, 'params' | 'inputsComplete'> & {
    params: string;
    inputsComplete: number;
  };
  return {
    ...r,
    params: {
      ...PARAM_DEFAULTS,
      ...(JSON.parse(r.params) as Partial<JobParams>),
    } as JobParams,
    inputsComplete: r.inputsComplete === 1,
  };
}

export function codeHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

export function jobQueries(db: Db) {
  const putCode = db.prepare(
    'INSERT OR IGNORE INTO code (hash, source) VALUES (?, ?)',
  );
  const getCode = db.prepare('SELECT source FROM code WHERE hash = ?');
  const insert = db.prepare(
    `INSERT INTO jobs (id, owner, name, description, code_hash, params, state,
       inputs_complete, total, created_at)
     VALUES (@id, @owner, @name, @description, @codeHash, @params, 'queued',
       @inputsComplete, @total, @createdAt)`,
  );
  const byId = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
  const byOwner = db.prepare(
    `SELECT ${COLUMNS} FROM jobs WHERE owner = ? ORDER BY created_at DESC LIMIT ? OFFSET ?`,
  );
  const all = db.prepare(
    `SELECT ${COLUMNS} FROM jobs ORDER BY created_at DESC LIMIT ? OFFSET ?`,
  );
  const unfinished = db.prepare(
    `SELECT ${COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at`,
  );
  const insertCanary = db.prepare(
    'INSERT INTO canaries (job_id, position, input, expected) VALUES (?, ?, ?, ?)',
  );
  const canaries = db.prepare(
    'SELECT position, input, expected FROM canaries WHERE job_id = ? ORDER BY position',
  );
  // From the few banned volunteers to their replicas, not from the job's
  // replicas (millions) to volunteers: job views are polled.
  const bannedOnJob = db.prepare(
    `SELECT count(*) AS n FROM volunteers v
     WHERE v.banned_at IS NOT NULL AND EXISTS (
       SELECT 1 FROM replicas r INDEXED BY replicas_volunteer
       WHERE r.volunteer_id = v.id AND r.job_id = ?)`,
  );
  const setReduceLevel = db.prepare(
    'UPDATE jobs SET reduce_level = ? WHERE id = ?',
  );
  const setReduced = db.prepare('UPDATE jobs SET reduced = ? WHERE id = ?');
  const complete = db.prepare(
    'UPDATE jobs SET inputs_complete = 1, total = ? WHERE id = ?',
  );
  const setState = db.prepare(
    `UPDATE jobs SET state = ?, finished_at = ? WHERE id = ?
       AND state NOT IN ('done', 'failed', 'cancelled')`,
  );

  return {
    create(job: {
      id: string;
      owner: string;
      name: string;
      description: string;
      code: string;
      params: JobParams;
      inputsComplete: boolean;
      total: number;
    }): void {
      const hash = codeHash(job.code);
      putCode.run(hash, job.code);
      insert.run({
        ...job,
        codeHash: hash,
        params: JSON.stringify(job.params),
        inputsComplete: job.inputsComplete ? 1 : 0,
        createdAt: Date.now(),
      });
    },
    get(id: string): JobRow | undefined {
      return toRow(byId.get(id));
    },
    list(owner: string | null, limit: number, offset: number): JobRow[] {
      const rows =
        owner === null
          ? all.all(limit, offset)
          : byOwner.all(owner, limit, offset);
      return rows.map((r) => toRow(r)!);
    },
    unfinished(): JobRow[] {
      return unfinished.all().map((r) => toRow(r)!);
    },
    addCanaries(
      id: string,
      rows: { inputJson: string; expectedJson: string }[],
    ): void {
      rows.forEach((r, i) =>
        insertCanary.run(id, i, r.inputJson, r.expectedJson),
      );
    },
    canaries(
      id: string,
    ): { position: number; input: string; expected: string }[] {
      return canaries.all(id) as {
        position: number;
        input: string;
        expected: string;
      }[];
    },
    /** Volunteers who worked on the job and are now banned. */
    bannedVolunteers(id: string): number {
      return (bannedOnJob.get(id) as { n: number }).n;
    },
    setReduceLevel(id: string, level: number): void {
      setReduceLevel.run(level, id);
    },
    setReduced(id: string, json: string): void {
      setReduced.run(json, id);
    },
    code(hash: string): string | undefined {
      return (getCode.get(hash) as { source: string } | undefined)?.source;
    },
    completeInputs(id: string, total: number): void {
      complete.run(total, id);
    },
    /** Moves a job to a final state; a job already final stays as it is. */
    finish(id: string, state: 'done' | 'failed' | 'cancelled'): boolean {
      return setState.run(state, Date.now(), id).changes > 0;
    },
  };
}

export type JobQueries = ReturnType<typeof jobQueries>;
