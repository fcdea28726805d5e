import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, api, startServer } from './helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';

/** Reads server-sent `snapshot` events until the stream ends. */
async function snapshots(url: string, key: string): Promise<any[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: snapshot'))
    .map((block) => JSON.parse(block.split('\ndata: ')[1]!));
}

test('the events stream shows a job progressing live and ends when it is done', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'live',
    code:
      'export default async (n) => { const t = Date.now(); while (Date.now() - t < 20) {} return ' +
      'n; };',
    inputs: Array.from({ length: 60 }, (_, i) => i),
    quorum: 1,
  });
  const volunteer = startNodeVolunteer({ url: server.url, slots: 2 });
  t.after(() => volunteer.stop());
  const events = await snapshots(
    `${server.url}/api/jobs/${created.body.id}/events`,
    ADMIN_KEY,
  );
  const last = events.at(-1);
  assert.equal(last.job.state, 'done');
  assert.equal(last.job.counts.settled, 60);
  assert.ok(events.length >= 2, 'more than one snapshot on the way');
  const settledSeries = last.throughput.reduce(
    (sum: number, p: any) => sum + p.settled,
    0,
  );
  assert.equal(
    settledSeries,
    60,
    'the throughput series counts every settled task',
  );
  assert.ok(
    events.some((e) => e.volunteers.length === 1),
    'the working volunteer is shown',
  );
});

test("the events stream of another requester's job is a 404", async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = api(server.url, ADMIN_KEY);
  const created = await admin.post('/api/jobs', {
    name: 'mine',
    code: 'export default (x) => x;',
    inputs: [1],
  });
  const other = (await admin.post('/api/keys', { name: 'other' })).body.key;
  const res = await fetch(`${server.url}/api/jobs/${created.body.id}/events`, {
    headers: { authorization: `Bearer ${other}` },
  });
  assert.equal(res.status, 404);
});
