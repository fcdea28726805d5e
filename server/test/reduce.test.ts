import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  waitForJob,
} from './helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';

const sumOfSquares = `
export default async (n) => n * n;
export async function reduce(outputs) {
  return outputs.reduce((a, b) => a + b, 0);
}`;

test('a reduce export returns one verified value, reduced in a tree of batches', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = [1, 2, 3].map(() =>
    startNodeVolunteer({ url: server.url, slots: 2 }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(server.url, ADMIN_KEY);
  const n = 250;
  const created = await client.post('/api/jobs', {
    name: 'sum of squares',
    code: sumOfSquares,
    inputs: Array.from({ length: n }, (_, i) => i),
    reduceBatchSize: 10,
  });
  assert.equal(created.body.reduce.done, false);
  const job = await waitForJob(client, created.body.id, 90_000);
  assert.equal(job.state, 'done');
  const expected = Array.from({ length: n }, (_, i) => i * i).reduce(
    (a, b) => a + b,
    0,
  );
  assert.equal(job.reduce.value, expected);
  // 250 outputs in batches of 10: 25, then 3, then 1 task.
  assert.equal(job.reduce.level, 3);
  assert.equal(
    job.counts.total,
    n,
    "reduce tasks are not counted as the job's tasks",
  );
  const lines = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.equal(lines.length, n, 'the download holds the map outputs only');
  const reduceReplicas = server.store.db
    .prepare(
      'SELECT count(*) AS n FROM replicas WHERE job_id = ? AND task_idx >= ? AND verdict = ' +
        "'agreed'",
    )
    .get(job.id, 2 ** 40) as { n: number };
  assert.ok(
    reduceReplicas.n >= 2 * 29,
    'every reduce task was verified by a quorum',
  );
});
