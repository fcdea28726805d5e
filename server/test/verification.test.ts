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
import { RawVolunteer } from './raw-volunteer.ts';

test('a disagreeing replica triggers an extra replica and the majority wins', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'one task',
    code: 'export default async (n) => n + 1;',
    inputs: [41],
    maxReplicas: 3,
  });
  // Two hand-driven volunteers take the two first replicas; one lies.
  const liar = await RawVolunteer.join(server.url);
  const honest = await RawVolunteer.join(server.url);
  const a = (await liar.next('assign')).leases[0]!;
  const b = (await honest.next('assign')).leases[0]!;
  liar.send({ type: 'result', leaseId: a.leaseId, output: 0, elapsedMs: 1 });
  honest.send({ type: 'result', leaseId: b.leaseId, output: 42, elapsedMs: 1 });
  await liar.next('ack');
  // The third replica goes to a real volunteer, which computes 42.
  const third = startNodeVolunteer({ url: server.url, slots: 1 });
  t.after(() => third.stop());
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
  assert.equal(job.counts.replicas, 3);
  const [line] = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.equal(line.output, 42);
  const task = await client.get(`/api/jobs/${job.id}/tasks/0`);
  const verdicts = task.body.replicas.map((r: any) => [r.output, r.verdict]);
  assert.deepEqual(verdicts.sort(), [
    [0, 'disagreed'],
    [42, 'agreed'],
    [42, 'agreed'],
  ]);
  liar.close();
  honest.close();
});

test('replicas that never agree fail after maxReplicas, every result kept', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = [1, 2, 3].map(() =>
    startNodeVolunteer({ url: server.url, slots: 1 }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'noise',
    // Math.random is not the seeded ctx.random: no two replicas agree.
    code: 'export default async () => Math.random();',
    inputs: [null],
    maxReplicas: 3,
  });
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'failed');
  assert.equal(job.counts.failed, 1);
  const [line] = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.equal(line.error.code, 'NO_QUORUM');
  const task = await client.get(`/api/jobs/${job.id}/tasks/0`);
  const returned = task.body.replicas.filter(
    (r: any) => r.state === 'returned',
  );
  assert.equal(returned.length, 3);
  assert.equal(new Set(returned.map((r: any) => r.output)).size, 3);
});

test('a deterministic error settles as an error, not a retry loop', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = [1, 2].map(() =>
    startNodeVolunteer({ url: server.url, slots: 1 }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'throws on odd',
    code:
      'export default async (n) => { ' +
      'if (n % 2) throw new Error("odd input " + n); return n; };',
    inputs: [0, 1, 2, 3],
  });
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
  assert.equal(job.counts.errored, 2);
  assert.equal(job.counts.replicas, 8, 'each task ran exactly twice');
  const lines = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.deepEqual(lines[1].error.message, 'odd input 1');
  assert.equal(lines[2].output, 2);
  const problems = await client.get(`/api/jobs/${job.id}/tasks?only=problem`);
  assert.deepEqual(
    problems.body.tasks.map((t: any) => t.index),
    [1, 3],
  );
});

test('ctx.random is seeded per task, so Monte-Carlo replicas agree', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = [1, 2].map(() =>
    startNodeVolunteer({ url: server.url, slots: 1 }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'pi',
    code: `export default async (n, ctx) => {
      let hits = 0;
      for (let i = 0; i < n; i++) {
        const x = ctx.random(), y = ctx.random();
        if (x * x + y * y < 1) hits++;
      }
      // A float draw tells tasks apart; equal hit counts happen by chance.
      return { hits, next: ctx.random() };
    };`,
    inputs: [1000, 1000, 1000],
  });
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
  assert.equal(job.counts.replicas, 6);
  const outputs = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  ).map((l) => l.output);
  assert.equal(
    new Set(outputs.map((o) => o.next)).size,
    3,
    'different tasks draw different numbers',
  );
  for (const { hits } of outputs) assert.ok(hits > 700 && hits < 870);
});
