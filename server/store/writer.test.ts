import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batch, type ReplicaRow } from './batch.ts';
import { openStore } from './store.ts';

function replica(id: number, jobId: string): ReplicaRow {
  return {
    id,
    jobId,
    taskIndex: id,
    volunteerId: 'v',
    state: 'returned',
    leasedAt: 1,
    endedAt: 2,
    elapsedMs: 1,
    output: String(id * 10),
    error: null,
    resultHash: 'h',
    verdict: 'pending',
  };
}

function tempStore(t: { after(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tabgrid-writer-'));
  const store = openStore(join(dir, 'tabgrid.db'));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

test('a batch written by the writer thread is read back on the main connection', async (t) => {
  const store = tempStore(t);
  const batch = new Batch();
  for (let id = 1; id <= 3; id++) batch.addReplica(replica(id, 'j'));
  batch.setVerdict(2, 'agreed');
  await store.write(batch);
  const rows = store.db
    .prepare('SELECT id, output, verdict FROM replicas ORDER BY id')
    .all();
  assert.deepEqual(rows, [
    { id: 1, output: '10', verdict: 'pending' },
    { id: 2, output: '20', verdict: 'agreed' },
    { id: 3, output: '30', verdict: 'pending' },
  ]);
});

test('a batch that breaks a constraint is rejected whole', async (t) => {
  const store = tempStore(t);
  const bad = new Batch();
  bad.addReplica(replica(1, 'j'));
  bad.addReplica(replica(2, null as unknown as string));
  await assert.rejects(async () => store.write(bad), /NOT NULL/);
  const count = store.db.prepare('SELECT count(*) AS n FROM replicas').get();
  assert.deepEqual(count, { n: 0 }, 'nothing of a failed batch is kept');
});
