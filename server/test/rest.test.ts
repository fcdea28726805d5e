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

const ok = 'export default async (x) => x;';

test('a bad spec is a 400 that names the field', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const cases: [unknown, string][] = [
    [{ code: ok, inputs: [1] }, 'name'],
    [{ name: 'x', code: ok, inputs: [1], redundancy: 'two' }, 'redundancy'],
    [{ name: 'x', code: ok, inputs: [1], quorum: 0 }, 'quorum'],
    [
      { name: 'x', code: ok, inputs: [1], quorum: 4, maxReplicas: 3 },
      'maxReplicas',
    ],
    [{ name: 'x', code: ok, inputs: [1], compare: 'fuzzy' }, 'compare'],
    [{ name: 'x', code: ok, inputs: [1], timeoutMs: -5 }, 'timeoutMs'],
    [{ name: 'x', code: ok }, 'inputs'],
    [
      { name: 'x', code: ok, inputs: [1], range: { start: 0, end: 2 } },
      'inputs',
    ],
    [{ name: 'x', code: ok, range: { start: 5, end: 2 } }, 'range.end'],
    [{ name: 'x', code: ok, inputs: [1], colour: 'red' }, 'colour'],
  ];
  for (const [spec, field] of cases) {
    const res = await client.post('/api/jobs', spec);
    assert.equal(res.status, 400, JSON.stringify(spec));
    assert.equal(res.body.code, 'BAD_REQUEST');
    assert.equal(res.body.field, field, res.body.message);
    assert.ok(res.body.message.startsWith(field), res.body.message);
  }
});

test('code that does not parse is a 400 with its line and column', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const res = await client.post('/api/jobs', {
    name: 'x',
    code: 'export default async (x) => {\n  return x +;\n};',
    inputs: [1],
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'BAD_CODE');
  assert.equal(res.body.line, 2);
  assert.equal(res.body.column, 13);
  const none = await client.post('/api/jobs', {
    name: 'x',
    code: 'export const f = 1;',
    inputs: [1],
  });
  assert.equal(none.body.code, 'BAD_CODE');
  assert.match(none.body.message, /default export/);
});

test('a range splits into { start, end } chunks with end exclusive', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const v = startNodeVolunteer({ url: server.url, slots: 2 });
  t.after(() => v.stop());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'r',
    code: ok,
    range: { start: 10, end: 35, step: 10 },
    quorum: 1,
  });
  assert.equal(created.body.counts.total, 3);
  await waitForJob(client, created.body.id);
  const outputs = parseLines(
    (await client.get(`/api/jobs/${created.body.id}/results`)).text,
  ).map((l) => l.output);
  assert.deepEqual(outputs, [
    { start: 10, end: 20 },
    { start: 20, end: 30 },
    { start: 30, end: 35 },
  ]);
});

test('inputs stream in as JSON Lines, and a broken line leaves nothing behind', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'u',
    code: ok,
    upload: true,
    quorum: 1,
  });
  assert.equal(created.body.state, 'queued');
  const ndjson = { 'content-type': 'application/x-ndjson' };
  const broken = await client.post(
    `/api/jobs/${created.body.id}/inputs`,
    '1\n2\n{oops\n4\n',
    ndjson,
  );
  assert.equal(broken.status, 400);
  assert.equal(broken.body.code, 'BAD_INPUT_LINE');
  assert.equal(broken.body.line, 3);
  assert.equal(
    (await client.get(`/api/jobs/${created.body.id}/tasks`)).body.tasks.length,
    0,
  );
  const lines = Array.from({ length: 12_000 }, (_, i) =>
    JSON.stringify({ i }),
  ).join('\n');
  const uploaded = await client.post(
    `/api/jobs/${created.body.id}/inputs`,
    lines,
    ndjson,
  );
  assert.equal(uploaded.status, 200, uploaded.text);
  assert.equal(uploaded.body.counts.total, 12_000);
  const again = await client.post(
    `/api/jobs/${created.body.id}/inputs`,
    '1\n',
    ndjson,
  );
  assert.equal(again.body.code, 'CONFLICT');
});

test("one requester cannot see or touch another requester's job", async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = api(server.url, ADMIN_KEY);
  const alice = api(
    server.url,
    (await admin.post('/api/keys', { name: 'alice' })).body.key,
  );
  const bob = api(
    server.url,
    (await admin.post('/api/keys', { name: 'bob' })).body.key,
  );
  const job = await alice.post('/api/jobs', {
    name: 'secret',
    code: ok,
    inputs: [1],
  });
  assert.equal(job.status, 201);
  for (const path of ['', '/results', '/tasks', '/tasks/0']) {
    const res = await bob.get(`/api/jobs/${job.body.id}${path}`);
    assert.equal(res.status, 404, path);
    assert.equal(res.body.code, 'NOT_FOUND');
  }
  assert.equal((await bob.post(`/api/jobs/${job.body.id}/cancel`)).status, 404);
  assert.deepEqual((await bob.get('/api/jobs')).body.jobs, []);
  assert.equal((await alice.get('/api/jobs')).body.jobs.length, 1);
});

test('missing, unknown and revoked keys are 401; requester keys cannot manage keys', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = api(server.url, ADMIN_KEY);
  const anonymous = await fetch(server.url + '/api/jobs');
  assert.equal(anonymous.status, 401);
  assert.equal(
    (await api(server.url, 'tg_nope').get('/api/jobs')).body.code,
    'UNAUTHORIZED',
  );
  const created = await admin.post('/api/keys', { name: 'carol' });
  const carol = api(server.url, created.body.key);
  assert.equal((await carol.get('/api/jobs')).status, 200);
  assert.equal(
    (await carol.post('/api/keys', { name: 'x' })).body.code,
    'FORBIDDEN',
  );
  assert.equal((await admin.del(`/api/keys/${created.body.id}`)).status, 200);
  const revoked = await carol.get('/api/jobs');
  assert.equal(revoked.status, 401);
  assert.match(revoked.body.message, /revoked/);
});

test('an oversized body is a 413 and the server keeps serving', async (t) => {
  const server = await startServer({ argv: ['--max-body-bytes', '2000'] });
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const res = await client.post('/api/jobs', {
    name: 'big',
    code: ok,
    inputs: Array(1000).fill('xxxxx'),
  });
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'PAYLOAD_TOO_LARGE');
  assert.equal(
    (await client.post('/api/jobs', { name: 'small', code: ok, inputs: [1] }))
      .status,
    201,
  );
});
