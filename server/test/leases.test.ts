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

const double = 'export default async (n) => n * 2;';

test('a volunteer that disconnects mid-task has its lease re-issued to another', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'd',
    code: double,
    inputs: [1, 2],
    redundancy: 1,
    quorum: 1,
  });
  const quitter = await RawVolunteer.join(server.url, 1);
  const assign = await quitter.next('assign');
  const taken = assign.leases.map((l) => l.taskIndex);
  quitter.close();
  const helper = startNodeVolunteer({ url: server.url, slots: 1 });
  t.after(() => helper.stop());
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
  const outputs = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  ).map((l) => l.output);
  assert.deepEqual(outputs, [2, 4]);
  const task = await client.get(`/api/jobs/${job.id}/tasks/${taken[0]}`);
  // Within the reconnect grace an idle volunteer overtakes the lease with a
  // backup (the quitter's is then cancelled); after it, the lease is lost.
  const [first, second] = task.body.replicas;
  assert.ok(['lost', 'cancelled'].includes(first.state), first.state);
  assert.equal(second.state, 'returned');
  assert.notEqual(second.volunteerId, first.volunteerId);
});

test('an expired lease is re-issued, and the late result is refused', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'e',
    code: double,
    inputs: [5],
    redundancy: 1,
    quorum: 1,
    timeoutMs: 100,
  });
  const sleeper = await RawVolunteer.join(server.url, 1);
  const [lease] = (await sleeper.next('assign')).leases;
  const cancel = await sleeper.next('cancel', 15_000);
  assert.deepEqual(cancel, {
    type: 'cancel',
    leaseIds: [lease!.leaseId],
    reason: 'expired',
  });
  sleeper.send({
    type: 'result',
    leaseId: lease!.leaseId,
    output: 999,
    elapsedMs: 1,
  });
  const refused = await sleeper.next('error');
  assert.equal(refused.code, 'LEASE_UNKNOWN');
  const helper = startNodeVolunteer({ url: server.url, slots: 1 });
  t.after(() => helper.stop());
  const job = await waitForJob(client, created.body.id);
  const [line] = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.equal(line.output, 10, JSON.stringify(line));
  const task = await client.get(`/api/jobs/${job.id}/tasks/0`);
  assert.deepEqual(
    task.body.replicas.map((r: any) => r.state),
    ['expired', 'returned'],
  );
  sleeper.close();
});

test('an endless loop is stopped at its timeout and settles as a timeout error', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = [1, 2].map(() =>
    startNodeVolunteer({ url: server.url, slots: 1 }),
  );
  t.after(() => Promise.all(volunteers.map((v) => v.stop())));
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'loop',
    code: 'export default async () => { for (;;) {} };',
    inputs: [0],
    timeoutMs: 300,
  });
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.counts.errored, 1);
  const [line] = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.equal(line.error.kind, 'timeout');
  assert.match(line.error.message, /timed out after 300 ms/);
});

test('a cancelled job stops its leases and keeps what had settled', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'c',
    code: double,
    inputs: [1, 2, 3],
    redundancy: 1,
    quorum: 1,
  });
  const v = await RawVolunteer.join(server.url, 1);
  const [first, second] = (await v.next('assign')).leases;
  v.send({
    type: 'result',
    leaseId: first!.leaseId,
    output: first!.taskIndex * 0 + (first!.input as number) * 2,
    elapsedMs: 1,
  });
  await v.next('ack');
  const cancelled = await client.post(`/api/jobs/${created.body.id}/cancel`);
  assert.equal(cancelled.body.state, 'cancelled');
  const cancel = await v.next('cancel');
  assert.ok(cancel.leaseIds.includes(second!.leaseId));
  const lines = parseLines(
    (await client.get(`/api/jobs/${created.body.id}/results`)).text,
  );
  assert.equal(lines.length, 1);
  v.close();
});

test("a crashed worker is the volunteer's failure: re-issued, not counted", async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'k',
    code: double,
    inputs: [4],
    redundancy: 1,
    quorum: 1,
  });
  const broken = await RawVolunteer.join(server.url, 1);
  const [lease] = (await broken.next('assign')).leases;
  broken.send({
    type: 'result',
    leaseId: lease!.leaseId,
    error: { message: 'worker script failed to load', kind: 'crashed' },
    elapsedMs: 0,
  });
  const helper = startNodeVolunteer({ url: server.url, slots: 1 });
  t.after(() => helper.stop());
  const job = await waitForJob(client, created.body.id);
  const [line] = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.equal(line.output, 8);
  const task = await client.get(`/api/jobs/${job.id}/tasks/0`);
  assert.equal(task.body.replicas[0].state, 'lost');
  broken.close();
});

test('a straggler does not hold up the end of a job: idle volunteers overtake it', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const fast = [1, 2].map(() =>
    startNodeVolunteer({ url: server.url, slots: 1 }),
  );
  const straggler = startNodeVolunteer({
    url: server.url,
    slots: 1,
    delayMs: 60_000,
  });
  t.after(() => Promise.all([...fast, straggler].map((v) => v.stop())));
  const created = await client.post('/api/jobs', {
    name: 'tail',
    code: 'export default async (n) => n + 1;',
    inputs: Array.from({ length: 30 }, (_, i) => i),
    redundancy: 1,
    quorum: 1,
  });
  const job = await waitForJob(client, created.body.id, 60_000);
  assert.equal(job.state, 'done');
  const lines = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  assert.deepEqual(
    lines.map((l) => l.output),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  const stragglerId = straggler.client.volunteerId;
  const overtaken = server.store.db
    .prepare(
      'SELECT count(*) AS n FROM replicas WHERE job_id = ? AND volunteer_id = ? AND state = ' +
        "'cancelled'",
    )
    .get(job.id, stragglerId) as { n: number };
  assert.ok(
    overtaken.n >= 1,
    "the straggler's leases were overtaken and cancelled",
  );
});
