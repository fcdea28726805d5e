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

const square = `export default async (n) => n * n;`;

test('a job splits, runs on Node volunteers, and downloads in order', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = [1, 2, 3].map(() =>
    startNodeVolunteer({ url: server.url, slots: 2 }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(server.url, ADMIN_KEY);
  const inputs = Array.from({ length: 40 }, (_, i) => i);
  const created = await client.post('/api/jobs', {
    name: 'squares',
    code: square,
    inputs,
  });
  assert.equal(created.status, 201);
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
  assert.equal(job.counts.settled, 40);
  const results = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.deepEqual(
    results.map((r) => r.index),
    inputs,
  );
  assert.deepEqual(
    results.map((r) => r.output),
    inputs.map((n) => n * n),
  );
  const task = await client.get(`/api/jobs/${job.id}/tasks/7`);
  const agreed = task.body.replicas.filter((r: any) => r.verdict === 'agreed');
  // Two replicas settle it; a later check by a third volunteer may agree too.
  assert.ok(agreed.length >= 2);
  const holders = agreed.map((r: any) => r.volunteerId);
  assert.equal(
    new Set(holders).size,
    holders.length,
    'each replica ran on a different volunteer',
  );
});
