/**
 * Bad requests over REST, table-driven: every spec field with a wrong type
 * and an out-of-range value, limits on bodies and uploads, uploads broken
 * past their first batch, bad keys. rest.test.ts has the first cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, api, startServer } from './helpers.ts';

const ok = 'export default async (x) => x;';
const base = { name: 'x', code: ok, inputs: [1] };
const DAY_MS = 24 * 3600 * 1000;

/** [field set to value, the field the error must name]. */
const BAD_FIELDS: [Record<string, unknown>, string][] = [
  [{ name: 5 }, 'name'],
  [{ name: '   ' }, 'name'],
  [{ name: 'x'.repeat(201) }, 'name'],
  [{ description: 5 }, 'description'],
  [{ description: 'x'.repeat(4001) }, 'description'],
  [{ code: 5 }, 'code'],
  [{ code: '' }, 'code'],
  [{ inputs: 'one, two' }, 'inputs'],
  [{ inputs: [] }, 'inputs'],
  [{ inputs: undefined, tasks: 'x' }, 'tasks'],
  [{ inputs: undefined, tasks: [{ input: 1, weight: -1 }] }, 'tasks.0.weight'],
  [
    { inputs: undefined, tasks: [{ input: 1, estimatedTaskMs: 'x' }] },
    'tasks.0.estimatedTaskMs',
  ],
  [{ inputs: undefined, range: 5 }, 'range'],
  [{ inputs: undefined, range: { start: 0.5, end: 2 } }, 'range.start'],
  [{ inputs: undefined, range: { start: 0, end: 2, step: 0 } }, 'range.step'],
  [{ inputs: undefined, upload: false }, 'upload'],
  [{ redundancy: 17 }, 'redundancy'],
  [{ quorum: 'two' }, 'quorum'],
  [{ quorum: 1.5 }, 'quorum'],
  [{ quorum: 17 }, 'quorum'],
  [{ maxReplicas: 'x' }, 'maxReplicas'],
  [{ maxReplicas: 0 }, 'maxReplicas'],
  [{ compare: 5 }, 'compare'],
  [{ compare: { mode: 'tolerance', abs: -1 } }, 'compare.abs'],
  [{ timeoutMs: '1000' }, 'timeoutMs'],
  [{ timeoutMs: 99 }, 'timeoutMs'],
  [{ timeoutMs: DAY_MS + 1 }, 'timeoutMs'],
  [{ weight: 'heavy' }, 'weight'],
  [{ weight: 0 }, 'weight'],
  [{ weight: 1e7 }, 'weight'],
  [{ estimatedTaskMs: null }, 'estimatedTaskMs'],
  [{ estimatedTaskMs: DAY_MS + 1 }, 'estimatedTaskMs'],
  [{ verification: 5 }, 'verification'],
  [{ verification: 'vote' }, 'verification'],
  [{ targetErrorRate: 'low' }, 'targetErrorRate'],
  [{ targetErrorRate: 0 }, 'targetErrorRate'],
  [{ targetErrorRate: 0.6 }, 'targetErrorRate'],
  [{ spotCheckRate: true }, 'spotCheckRate'],
  [{ spotCheckRate: 1.5 }, 'spotCheckRate'],
  [{ canaries: 'x' }, 'canaries'],
  [{ canaries: [{ input: 1, output: 1, extra: 2 }] }, 'canaries.0.extra'],
  [{ canaries: Array(1001).fill({ input: 1, output: 1 }) }, 'canaries'],
];

test('every spec field of wrong type or out of range is a 400 naming it', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  for (const [change, field] of BAD_FIELDS) {
    const res = await client.post('/api/jobs', { ...base, ...change });
    const what = JSON.stringify(change).slice(0, 80);
    assert.equal(res.status, 400, `${what}: ${res.text}`);
    assert.equal(res.body.code, 'BAD_REQUEST', what);
    assert.equal(res.body.field, field, `${what}: ${res.body.message}`);
    assert.ok(res.body.message.startsWith(field), res.body.message);
  }
  assert.deepEqual(
    (await client.get('/api/jobs')).body.jobs,
    [],
    'none created',
  );
});

test('code, input, task count and body over their limits are 413s naming the field', async (t) => {
  const server = await startServer({
    argv: [
      '--max-code-bytes',
      '200',
      '--max-input-bytes',
      '50',
      '--max-tasks-per-job',
      '100',
      '--max-body-bytes',
      '4000',
    ],
  });
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const cases: [Record<string, unknown>, string][] = [
    [{ code: ok + '\n//' + 'x'.repeat(200) }, 'code'],
    [{ inputs: [1, 'x'.repeat(60)] }, 'inputs[1]'],
    [{ inputs: undefined, range: { start: 0, end: 101 } }, 'range'],
    [{ inputs: Array(101).fill(1) }, 'inputs'],
    [{ inputs: Array(1000).fill('xxxxx') }, 'body'],
  ];
  for (const [change, field] of cases) {
    const res = await client.post('/api/jobs', { ...base, ...change });
    assert.equal(res.status, 413, `${field}: ${res.text}`);
    assert.equal(res.body.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(res.body.field, field, res.body.message);
  }
  const edge = await client.post('/api/jobs', {
    ...base,
    inputs: undefined,
    range: { start: 0, end: 100 },
  });
  assert.equal(edge.status, 201, 'exactly at the limit is allowed');
});

async function uploadJob(client: ReturnType<typeof api>) {
  const created = await client.post('/api/jobs', {
    ...base,
    inputs: undefined,
    upload: true,
  });
  assert.equal(created.status, 201, created.text);
  return created.body.id as string;
}

test('a broken line past the first batch of an upload is a 400; nothing stays', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const csv = { 'content-type': 'text/csv' };
  const ndjson = { 'content-type': 'application/x-ndjson' };
  const good = Array.from({ length: 7000 }, (_, i) => `${i},row ${i}`);
  const uploads: [Record<string, string>, string, number][] = [
    [csv, ['a,b', ...good, '7000,"never closed'].join('\n'), 7002],
    [
      csv,
      ['a,b', ...good.slice(0, 3), '3,a"b', ...good.slice(4)].join('\n'),
      5,
    ],
    [ndjson, [...good.map((_, i) => String(i)), '[1,'].join('\n'), 7001],
  ];
  for (const [type, body, line] of uploads) {
    const id = await uploadJob(client);
    const res = await client.post(`/api/jobs/${id}/inputs`, body, type);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'BAD_INPUT_LINE');
    assert.equal(res.body.line, line, res.body.message);
    const tasks = await client.get(`/api/jobs/${id}/tasks?limit=10`);
    assert.deepEqual(tasks.body.tasks, [], 'the inserted batches are gone');
    assert.equal((await client.get(`/api/jobs/${id}`)).body.counts.total, 0);
    const retry = await client.post(
      `/api/jobs/${id}/inputs`,
      'a,b\n1,2\n',
      csv,
    );
    assert.equal(retry.status, 200, 'the upload can be sent again');
    assert.equal(retry.body.counts.total, 1);
  }
});

test('an upload, or an input in it, over its limit is a 413', async (t) => {
  const server = await startServer({
    argv: ['--max-upload-bytes', '10000', '--max-input-bytes', '20'],
  });
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const ndjson = { 'content-type': 'application/x-ndjson' };
  const big = await client.post(
    `/api/jobs/${await uploadJob(client)}/inputs`,
    Array(3000).fill('1234').join('\n'),
    ndjson,
  );
  assert.equal(big.status, 413, big.text);
  assert.equal(big.body.code, 'PAYLOAD_TOO_LARGE');
  const wide = await client.post(
    `/api/jobs/${await uploadJob(client)}/inputs`,
    `1\n2\n"${'x'.repeat(30)}"\n`,
    ndjson,
  );
  assert.equal(wide.status, 413);
  assert.equal(wide.body.line, 3);
});

test('malformed Authorization is a 401; others cannot upload to a job', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = api(server.url, ADMIN_KEY);
  for (const authorization of [
    'Basic dXNlcjpwdw==',
    'Bearer',
    'Bearer a b',
    ADMIN_KEY,
    `Bearer ${ADMIN_KEY}x`,
  ]) {
    const res = await fetch(server.url + '/api/whoami', {
      headers: { authorization },
    });
    assert.equal(res.status, 401, authorization);
    assert.equal(((await res.json()) as { code: string }).code, 'UNAUTHORIZED');
  }
  const bob = api(
    server.url,
    (await admin.post('/api/keys', { name: 'bob' })).body.key,
  );
  const id = await uploadJob(admin);
  const res = await bob.post(`/api/jobs/${id}/inputs`, '1\n', {
    'content-type': 'application/x-ndjson',
  });
  assert.equal(res.status, 404);
  assert.equal(res.body.code, 'NOT_FOUND');
  assert.equal((await bob.get(`/api/jobs/${id}/events`)).status, 404);
  assert.equal((await admin.get(`/api/jobs/${id}`)).body.counts.total, 0);
});
