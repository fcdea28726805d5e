import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, startServer } from '../test/helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';
import {
  Client,
  TabgridApiError,
  type JobView,
  type ResultLine,
} from './index.ts';

const BOUND_MS = 60_000;
const bound = () => ({ signal: AbortSignal.timeout(BOUND_MS) });

async function fleet(t: TestContext, volunteers = 2) {
  const server = await startServer();
  const started = Array.from({ length: volunteers }, () =>
    startNodeVolunteer({ url: server.url, slots: 2 }),
  );
  t.after(async () => {
    await Promise.all(started.map((v) => v.stop()));
    await server.close();
  });
  return { server, client: new Client({ url: server.url, key: ADMIN_KEY }) };
}

async function collect(iterable: AsyncIterable<ResultLine>) {
  const lines: ResultLine[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

test('a job with inline inputs finishes and its results come back in index order', async (t) => {
  const { client } = await fleet(t);
  const inputs = Array.from({ length: 30 }, (_, i) => i);
  const job = await client.submit({
    name: 'squares',
    code: 'export default async (n) => n * n;',
    inputs,
  });
  const final = await job.wait(bound());
  assert.equal(final.state, 'done');
  assert.equal(final.counts.settled, 30);
  const results = await collect(job.results(bound()));
  assert.deepEqual(
    results,
    inputs.map((n) => ({ index: n, output: n * n })),
  );
});

test('inputs from an async generator become tasks, with progress to the end', async (t) => {
  const { client } = await fleet(t);
  const count = 500;
  async function* inputs() {
    for (let i = 0; i < count; i++) yield { x: i, label: `item ${i}` };
  }
  const job = await client.submit(
    { name: 'streamed', code: 'export default async (o) => o.x * 3;' },
    { inputs: inputs() },
  );
  assert.equal(job.latest?.counts.total, count);
  const seen: JobView[] = [];
  job.on('progress', (view) => seen.push(view));
  const final = await job.wait(bound());
  assert.equal(final.state, 'done');
  assert.ok(seen.length > 0, 'progress was reported');
  assert.equal(seen.at(-1)?.state, 'done');
  const outputs = (await collect(job.results(bound()))).map((r) =>
    'output' in r ? r.output : r.error,
  );
  assert.deepEqual(
    outputs,
    Array.from({ length: count }, (_, i) => i * 3),
  );
});

test('a client told to poll reports progress and finishes just the same', async (t) => {
  const { server } = await fleet(t);
  const client = new Client({
    url: server.url,
    key: ADMIN_KEY,
    watch: 'poll',
    pollIntervalMs: 50,
  });
  const job = await client.submit({
    name: 'polled',
    code: 'export default async (n) => -n;',
    inputs: [1, 2, 3, 4, 5, 6],
  });
  const states: string[] = [];
  job.on('progress', (view) => states.push(view.state));
  const final = await job.wait(bound());
  assert.equal(final.state, 'done');
  assert.equal(states.at(-1), 'done');
  const outputs = (await collect(job.results(bound()))).map((r) =>
    'output' in r ? r.output : undefined,
  );
  assert.deepEqual(outputs, [-1, -2, -3, -4, -5, -6]);
});

test('a wrong key throws TabgridApiError with code UNAUTHORIZED', async (t) => {
  const { server } = await fleet(t, 0);
  const client = new Client({ url: server.url, key: 'tg_not_a_real_key' });
  await assert.rejects(
    client.submit({ name: 'x', code: 'export default (n) => n;', inputs: [1] }),
    (err: unknown) =>
      err instanceof TabgridApiError &&
      err.code === 'UNAUTHORIZED' &&
      err.statusCode === 401 &&
      /unknown API key/.test(err.message),
  );
});

test('a bad field throws BAD_REQUEST naming the field', async (t) => {
  const { client } = await fleet(t, 0);
  await assert.rejects(
    client.submit({
      name: 'bad',
      code: 'export default (n) => n;',
      inputs: [1],
      redundancy: 0,
    }),
    (err: unknown) =>
      err instanceof TabgridApiError &&
      err.code === 'BAD_REQUEST' &&
      err.field === 'redundancy' &&
      err.message.startsWith('redundancy:'),
  );
});

test('code that does not parse throws BAD_CODE with its line and column', async (t) => {
  const { client } = await fleet(t, 0);
  const code = 'export default (n) => {\n  return n +;\n};';
  const err = await client
    .submit({ name: 'typo', code, inputs: [1] })
    .catch((e: unknown) => e);
  assert.ok(err instanceof TabgridApiError);
  assert.equal(err.code, 'BAD_CODE');
  assert.equal(err.field, 'code');
  assert.equal(err.line, 2);
  assert.equal(typeof err.column, 'number');
});

test('an upload with a broken line reports the line and leaves the job cancelled', async (t) => {
  const { client } = await fleet(t, 0);
  const err = await client
    .submit(
      { name: 'broken', code: 'export default (n) => n;' },
      { upload: { format: 'jsonl', body: ['1\n2\n', '{oops\n4\n'] } },
    )
    .catch((e: unknown) => e);
  assert.ok(err instanceof TabgridApiError);
  assert.equal(err.code, 'BAD_INPUT_LINE');
  assert.equal(err.line, 3);
  const [job] = await client.jobs();
  assert.equal(job?.name, 'broken');
  assert.equal(job?.state, 'cancelled');
});

test('an input source that throws rejects submit with its own error', async (t) => {
  const { client } = await fleet(t, 0);
  // Enough inputs that several chunks are on the wire before the failure.
  async function* inputs() {
    for (let i = 0; i < 50_000; i++) yield { i, pad: 'x'.repeat(20) };
    throw new Error('the input file went away');
  }
  await assert.rejects(
    client.submit(
      { name: 'source fails', code: 'export default (n) => n;' },
      { inputs: inputs() },
    ),
    /the input file went away/,
  );
  const [job] = await client.jobs();
  assert.equal(job?.state, 'cancelled');
  assert.equal(job?.counts.total, 0);
});

test('cancel ends a job that has no volunteers, and wait resolves with it', async (t) => {
  const { client } = await fleet(t, 0);
  const job = await client.submit({
    name: 'never runs',
    code: 'export default (n) => n;',
    inputs: [1, 2, 3],
  });
  const waited = job.wait(bound());
  assert.equal((await job.cancel()).state, 'cancelled');
  assert.equal((await waited).state, 'cancelled');
  assert.deepEqual(await collect(job.results({ wait: false })), []);
});

test('a key created through the client works until it is revoked', async (t) => {
  const { server, client } = await fleet(t, 0);
  const created = await client.keys.create('alice');
  const alice = new Client({ url: server.url, key: created.key });
  assert.equal((await alice.whoami()).name, 'alice');
  const listed = await client.keys.list();
  assert.ok(listed.some((k) => k.id === created.id && k.revokedAt === null));
  await client.keys.revoke(created.id);
  await assert.rejects(
    alice.jobs(),
    (err: unknown) =>
      err instanceof TabgridApiError && err.code === 'UNAUTHORIZED',
  );
});

test('a job submitted after a running job was cancelled still runs', async (t) => {
  const { client } = await fleet(t);
  const busy = await client.submit({
    name: 'busy',
    code: 'export default async (n) => { await new Promise((r) => setTimeout(r, 20)); return n; };',
    inputs: Array.from({ length: 500 }, (_, i) => i),
  });
  await new Promise<void>((resolve) =>
    busy.on('progress', (view) => {
      if (view.counts.settled > 0) resolve();
    }),
  );
  await busy.cancel();
  const next = await client.submit({
    name: 'next',
    code: 'export default (n) => n;',
    inputs: [1, 2, 3],
  });
  assert.equal((await next.wait(bound())).state, 'done');
});
