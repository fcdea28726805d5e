import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADMIN_KEY, api, parseLines, until, waitForJob } from './helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startProcess(db: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', '--db', db, '--port', String(port)],
    {
      env: {
        ...process.env,
        TABGRID_ADMIN_KEY: ADMIN_KEY,
        TABGRID_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await until(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok || undefined;
    } catch {
      return undefined;
    }
  }, 'the coordinator to listen');
  return child;
}

function settledRows(db: string): Map<number, number> {
  const conn = new Database(db);
  const rows = conn
    .prepare("SELECT idx, settled_at FROM tasks WHERE state = 'settled'")
    .all() as { idx: number; settled_at: number }[];
  conn.close();
  return new Map(rows.map((r) => [r.idx, r.settled_at]));
}

test('a coordinator SIGKILLed mid-job finishes after restart, re-running none', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tabgrid-restart-'));
  const db = join(dir, 'tabgrid.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child = await startProcess(db, port);
  t.after(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const volunteers = [1, 2].map(() =>
    startNodeVolunteer({
      url,
      slots: 2,
      reconnect: { initialMs: 100, maxMs: 400 },
    }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(url, ADMIN_KEY);
  const n = 300;
  const created = await client.post('/api/jobs', {
    name: 'survives',
    code:
      'export default async (n) => { const t = Date.now(); while (Date.now() - t < 8) {} return ' +
      'n * 3; };',
    inputs: Array.from({ length: n }, (_, i) => i),
  });
  await until(async () => {
    const job = (await client.get(`/api/jobs/${created.body.id}`)).body;
    return job.counts.settled >= 60 ? job : undefined;
  }, 'a fifth of the tasks to settle');
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const before = settledRows(db);
  assert.ok(
    before.size >= 60 && before.size < n,
    `killed mid-job with ${before.size} settled`,
  );
  const restartedAt = Date.now();
  child = await startProcess(db, port);
  const job = await waitForJob(client, created.body.id, 120_000);
  assert.equal(job.state, 'done');
  assert.equal(job.counts.settled, n);
  const outputs = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.deepEqual(
    outputs.map((l) => l.output),
    Array.from({ length: n }, (_, i) => i * 3),
  );
  assert.ok(
    volunteers.every((v) => v.client.state === 'connected'),
    'volunteers reconnected on their own',
  );
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const conn = new Database(db);
  const rerun = conn
    .prepare('SELECT DISTINCT task_idx FROM replicas WHERE leased_at >= ?')
    .all(restartedAt)
    .map((r) => (r as { task_idx: number }).task_idx)
    .filter((idx) => before.has(idx));
  const after = settledRows(db);
  conn.close();
  assert.deepEqual(rerun, [], 'no task settled before the kill ran again');
  for (const [idx, at] of before)
    assert.equal(after.get(idx), at, `task ${idx} kept its settlement`);
});
