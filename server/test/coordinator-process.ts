/**
 * A coordinator in a child process, for tests that kill it (SIGKILL) or stop
 * it (SIGTERM) and start it again on the same database and port, as an
 * operator's supervisor would. Loopback only; the port is picked by the OS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { ADMIN_KEY, until } from './helpers.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface CoordinatorProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything the process wrote to stdout (pino lines at the given level). */
  stdout(): string;
}

/** Starts `server/main.ts` and resolves once `/healthz` answers. */
export async function startCoordinator(
  db: string,
  port: number,
  argv: string[] = [],
  logLevel = 'warn',
): Promise<CoordinatorProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/main.ts',
      '--db',
      db,
      '--port',
      String(port),
      ...argv,
    ],
    {
      env: {
        ...process.env,
        TABGRID_ADMIN_KEY: ADMIN_KEY,
        TABGRID_LOG_LEVEL: logLevel,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  await until(async () => {
    if (gone) throw new Error(`the coordinator exited while starting:\n${out}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok || undefined;
    } catch {
      return undefined;
    }
  }, 'the coordinator to listen');
  return { child, exited, stdout: () => out };
}

/** Kills with SIGKILL and waits for the process to be gone. */
export async function killHard(p: CoordinatorProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null)
    p.child.kill('SIGKILL');
  await p.exited;
}

export interface TaskRow {
  idx: number;
  state: string;
  output: string | null;
  settledAt: number | null;
}

/** The job's tasks as they are on disk (read while no coordinator writes). */
export function readTasks(db: string, jobId: string): Map<number, TaskRow> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(
        `SELECT idx, state, output, settled_at AS settledAt
         FROM tasks WHERE job_id = ?`,
      )
      .all(jobId) as TaskRow[];
    return new Map(rows.map((r) => [r.idx, r]));
  } finally {
    conn.close();
  }
}

export interface ReplicaRow {
  taskIdx: number;
  volunteerId: string;
  state: string;
  verdict: string;
  leasedAt: number;
}

export function readReplicas(db: string, jobId: string): ReplicaRow[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT task_idx AS taskIdx, volunteer_id AS volunteerId, state,
                verdict, leased_at AS leasedAt
         FROM replicas WHERE job_id = ?`,
      )
      .all(jobId) as ReplicaRow[];
  } finally {
    conn.close();
  }
}
