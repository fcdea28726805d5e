import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, api, startServer, until, waitForJob } from './helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';
import { RawVolunteer } from './raw-volunteer.ts';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol.ts';

test('frames that break the protocol get their code; others are still served', async (t) => {
  const server = await startServer({ argv: ['--max-frame-bytes', '4096'] });
  t.after(() => server.close());
  const honest = startNodeVolunteer({ url: server.url, slots: 2 });
  t.after(() => honest.stop());
  const hello = { type: 'hello', protocol: PROTOCOL_VERSION, slots: 1 };
  const cases: [string | object, string, boolean][] = [
    ['{not json', 'BAD_JSON', false],
    [{ type: 'launch' }, 'UNKNOWN_TYPE', false],
    [
      { type: 'hello', protocol: PROTOCOL_VERSION, slots: 'many' },
      'BAD_MESSAGE',
      false,
    ],
    [
      { type: 'result', leaseId: 1, output: 1, elapsedMs: 1 },
      'HELLO_REQUIRED',
      false,
    ],
    [{ ...hello, protocol: 99 }, 'PROTOCOL_VERSION', false],
    [
      JSON.stringify({ ...hello, agent: 'x'.repeat(5000) }),
      'FRAME_TOO_LARGE',
      false,
    ],
    [{ type: 'result', leaseId: 1, elapsedMs: 1 }, 'BAD_MESSAGE', true],
  ];
  for (const [frame, code, afterHello] of cases) {
    const v = new RawVolunteer(server.url);
    await v.opened();
    if (afterHello) {
      v.send(hello);
      await v.next('welcome');
    }
    v.send(frame);
    const error = await v.next('error');
    assert.equal(error.code, code, error.message);
    const closed = await v.whenClosed();
    assert.ok(
      closed.code === 1008 || closed.code === 1009,
      `closed with ${closed.code}`,
    );
  }
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'after',
    code: 'export default async (x) => x;',
    inputs: [1, 2],
    quorum: 1,
  });
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done', 'the honest volunteer still works');
});

test('a result for a lease not held is refused; the socket stays open', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  await client.post('/api/jobs', {
    name: 'x',
    code: 'export default async (x) => x;',
    inputs: [1],
  });
  const holder = await RawVolunteer.join(server.url);
  const thief = await RawVolunteer.join(server.url);
  const [lease] = (await holder.next('assign')).leases;
  thief.send({
    type: 'result',
    leaseId: lease!.leaseId,
    output: 666,
    elapsedMs: 1,
  });
  assert.equal((await thief.next('error')).code, 'LEASE_UNKNOWN');
  holder.send({
    type: 'result',
    leaseId: lease!.leaseId,
    output: 1,
    elapsedMs: 1,
  });
  assert.deepEqual((await holder.next('ack')).leaseIds, [lease!.leaseId]);
  holder.send({
    type: 'result',
    leaseId: lease!.leaseId,
    output: 1,
    elapsedMs: 1,
  });
  assert.equal(
    (await holder.next('error')).code,
    'LEASE_UNKNOWN',
    'a replayed result counts once',
  );
  assert.equal(thief.closed, null);
  holder.close();
  thief.close();
});

test('each result of a results frame is acked; a stranger lease is refused alone', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'batched',
    code: 'export default async (x) => x * 3;',
    inputs: [1, 2, 3],
    quorum: 1,
  });
  const v = await RawVolunteer.join(server.url, 3);
  const { leases } = await v.next('assign');
  assert.equal(leases.length, 3);
  v.send({
    type: 'results',
    results: [
      ...leases.map((l) => ({
        leaseId: l.leaseId,
        output: (l.input as number) * 3,
        elapsedMs: 1,
      })),
      { leaseId: 999_999, output: 0, elapsedMs: 1 },
    ],
  });
  const error = await v.next('error');
  assert.equal(error.code, 'LEASE_UNKNOWN');
  assert.equal(error.leaseId, 999_999);
  const acked: number[] = [];
  while (acked.length < 3) acked.push(...(await v.next('ack')).leaseIds);
  assert.deepEqual(
    acked.sort((a, b) => a - b),
    leases.map((l) => l.leaseId).sort((a, b) => a - b),
  );
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
  const lines = (await client.get(`/api/jobs/${job.id}/results`)).text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).output);
  assert.deepEqual(lines, [3, 6, 9]);

  const bad = await RawVolunteer.join(server.url);
  bad.send({
    type: 'results',
    results: [{ leaseId: 1, output: 1, elapsedMs: 1 }, { leaseId: 'x' }],
  });
  const refused = await bad.next('error');
  assert.equal(refused.code, 'BAD_MESSAGE');
  assert.match(refused.message, /results\.1\.leaseId/);
  v.close();
});

test('a volunteer keeps its identity across reconnects by presenting its token', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const first = await RawVolunteer.join(server.url);
  const welcome = first.log.find((m) => m.type === 'welcome')!;
  first.close();
  const back = await RawVolunteer.join(server.url, 1, welcome.token);
  const again = back.log.find((m) => m.type === 'welcome')!;
  assert.equal(again.volunteerId, welcome.volunteerId);
  const stranger = await RawVolunteer.join(server.url, 1, 'tg_made_up');
  assert.notEqual(
    stranger.log.find((m) => m.type === 'welcome')!.volunteerId,
    welcome.volunteerId,
  );
  back.close();
  stranger.close();
});

test('code is sent once per job per connection, before the first assignment', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  await client.post('/api/jobs', {
    name: 'four',
    code: 'export default async (x) => x;',
    inputs: [1, 2, 3, 4],
    quorum: 1,
  });
  const v = await RawVolunteer.join(server.url, 1);
  let answered = 0;
  while (answered < 4) {
    const { leases } = await v.next('assign');
    for (const lease of leases)
      v.send({
        type: 'result',
        leaseId: lease.leaseId,
        output: lease.input,
        elapsedMs: 1,
      });
    answered += leases.length;
  }
  await v.next('ack');
  const types = v.log
    .map((m) => m.type)
    .filter((t) => t === 'code' || t === 'assign');
  assert.equal(types[0], 'code');
  assert.equal(types.filter((t) => t === 'code').length, 1);
  v.close();
});

test('a socket silent to pings is closed, its lease re-issued; others stay', async (t) => {
  const server = await startServer({ argv: ['--ping-interval-ms', '200'] });
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  await client.post('/api/jobs', {
    name: 'liveness',
    code: 'export default async (x) => x;',
    inputs: [1],
    quorum: 1,
  });
  const silent = await RawVolunteer.join(server.url, 1, undefined, {
    autoPong: false,
  });
  const [lease] = (await silent.next('assign')).leases;
  const answering = await RawVolunteer.join(server.url);
  const closed = await silent.whenClosed(10_000);
  assert.equal(closed.code, 1006, 'terminated, not closed politely');
  const [again] = (await answering.next('assign')).leases;
  assert.equal(again!.taskIndex, lease!.taskIndex);
  // Three pings answered: at least two checks of its pong have passed.
  let pings = 0;
  answering.socket.on('ping', () => pings++);
  await until(() => (pings >= 3 ? true : undefined), 'three pings', 10_000);
  assert.equal(answering.closed, null, 'the answering socket is still open');
  answering.close();
});

test('each result of a results frame counts against the frame allowance', async (t) => {
  // 20 frames a second allows a burst of 100: one frame of 101 results is a flood.
  const server = await startServer({
    argv: ['--max-frames-per-second', '20'],
  });
  t.after(() => server.close());
  const within = await RawVolunteer.join(server.url);
  const item = (i: number) => ({ leaseId: 1000 + i, output: 0, elapsedMs: 1 });
  within.send({
    type: 'results',
    results: Array.from({ length: 90 }, (_, i) => item(i)),
  });
  assert.equal((await within.next('error')).code, 'LEASE_UNKNOWN');
  const flooder = await RawVolunteer.join(server.url);
  flooder.send({
    type: 'results',
    results: Array.from({ length: 101 }, (_, i) => item(i)),
  });
  const closed = await flooder.whenClosed();
  assert.equal(closed.reason, 'FLOOD');
  assert.equal(within.closed, null, 'the one within its allowance is served');
  within.close();
});

test('an ack comes only once its result is in the store, batch after batch', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const n = 400;
  const v = await RawVolunteer.join(server.url, 8);
  const stored = server.store.db.prepare(
    "SELECT count(*) AS n FROM replicas WHERE id = ? AND state = 'returned'",
  );
  const early: number[] = [];
  let acked = 0;
  // Checked as each frame arrives, before the next turn lets a commit land.
  v.socket.on('message', (data) => {
    const m = JSON.parse(data.toString()) as ServerMessage;
    if (m.type === 'assign')
      // One frame per result, so results keep arriving while a batch is written.
      for (const l of m.leases)
        v.send({
          type: 'result',
          leaseId: l.leaseId,
          output: (l.input as number) + 1,
          elapsedMs: 0,
        });
    if (m.type !== 'ack') return;
    for (const id of m.leaseIds) {
      if ((stored.get(id) as { n: number }).n === 0) early.push(id);
      acked++;
    }
  });
  // Submitted once the listener is on, so no assign goes unanswered.
  const created = await client.post('/api/jobs', {
    name: 'acks',
    code: 'export default async (x) => x + 1;',
    inputs: Array.from({ length: n }, (_, i) => i),
    quorum: 1,
  });
  await until(() => (acked >= n ? true : undefined), 'every result acked');
  assert.deepEqual(early, [], 'acked before its result was committed');
  const job = await waitForJob(client, created.body.id);
  assert.equal(job.state, 'done');
});
