/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction;
 * `PRAGMA user_version` records the last one applied. Never edit a migration
 * that has shipped: add the next number.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: keys, code, jobs, tasks, replicas, volunteers.
  `
  CREATE TABLE keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'requester')),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );

  CREATE TABLE code (
    hash TEXT PRIMARY KEY,
    source TEXT NOT NULL
  );

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES keys(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    code_hash TEXT NOT NULL REFERENCES code(hash),
    params TEXT NOT NULL,
    state TEXT NOT NULL,
    inputs_complete INTEGER NOT NULL,
    total INTEGER NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    errored INTEGER NOT NULL DEFAULT 0,
    replicas INTEGER NOT NULL DEFAULT 0,
    reissued INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
  );
  CREATE INDEX jobs_owner ON jobs (owner, created_at);

  -- state: pending | settled | failed. output/error hold JSON text.
  CREATE TABLE tasks (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    input TEXT NOT NULL,
    priority REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    output TEXT,
    error TEXT,
    result_hash TEXT,
    settled_at INTEGER,
    PRIMARY KEY (job_id, idx)
  ) WITHOUT ROWID;
  CREATE INDEX tasks_pending ON tasks (job_id, priority DESC, idx)
    WHERE state = 'pending';

  -- One row per ended lease. state: returned | expired | lost | released |
  -- cancelled. verdict: pending | agreed | disagreed | none.
  CREATE TABLE replicas (
    id INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL,
    task_idx INTEGER NOT NULL,
    volunteer_id TEXT NOT NULL,
    state TEXT NOT NULL,
    leased_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    elapsed_ms REAL,
    output TEXT,
    error TEXT,
    result_hash TEXT,
    verdict TEXT NOT NULL
  );
  CREATE INDEX replicas_task ON replicas (job_id, task_idx);

  CREATE TABLE volunteers (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    agent TEXT,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    agreed INTEGER NOT NULL DEFAULT 0,
    disagreed INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    credit_ms REAL NOT NULL DEFAULT 0,
    banned_at INTEGER
  );
  `,
  // 2: trust: credibility records, canaries, per-job trust counters.
  `
  ALTER TABLE volunteers ADD COLUMN canaries_passed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE volunteers ADD COLUMN canaries_failed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE volunteers ADD COLUMN banned_reason TEXT;
  ALTER TABLE tasks ADD COLUMN credibility REAL;
  ALTER TABLE jobs ADD COLUMN disagreements INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN error_sum REAL NOT NULL DEFAULT 0;
  -- Inputs with known outputs; task index = the job's total + position.
  CREATE TABLE canaries (
    job_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    input TEXT NOT NULL,
    expected TEXT NOT NULL,
    PRIMARY KEY (job_id, position)
  ) WITHOUT ROWID;
  CREATE INDEX replicas_volunteer ON replicas (volunteer_id, verdict);
  `,
  // 3: the reduce stage.
  `
  ALTER TABLE jobs ADD COLUMN reduce_level INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN reduced TEXT;
  `,
];
