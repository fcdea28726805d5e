import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  until,
  waitForJob,
} from './helpers.ts';
import {
  startNodeVolunteer,
  type NodeVolunteer,
} from '../volunteer/node-volunteer.ts';

const triple =
  'export default async (n) => { const t = Date.now(); while (Date.now() - t < 3) {} return n * ' +
  '3; };';

/**
 * Honest volunteers, then bad ones, each joined before this resolves: a job
 * submitted earlier could finish before a slow-starting saboteur took part.
 */
async function fleet(
  url: string,
  honest: number,
  bad: number,
  transform: (output: unknown) => unknown,
  t: { after(fn: () => unknown): void },
): Promise<NodeVolunteer[]> {
  const all: NodeVolunteer[] = [];
  for (let i = 0; i < honest; i++)
    all.push(startNodeVolunteer({ url, slots: 1 }));
  for (let i = 0; i < bad; i++)
    all.push(startNodeVolunteer({ url, slots: 1, transformOutput: transform }));
  t.after(() => Promise.all(all.map((v) => v.stop())));
  await Promise.all(
    all.map((v) =>
      until(() => v.client.volunteerId ?? undefined, 'volunteers to join'),
    ),
  );
  return all;
}

async function bannedIds(server: { url: string }) {
  const res = await api(server.url, ADMIN_KEY).get('/api/volunteers');
  return new Set(
    res.body.volunteers.filter((v: any) => v.banned).map((v: any) => v.id),
  );
}

async function checkAllCorrect(
  client: ReturnType<typeof api>,
  jobId: string,
  n: number,
) {
  const lines = parseLines(
    (await client.get(`/api/jobs/${jobId}/results`)).text,
  );
  assert.equal(lines.length, n);
  const wrong = lines.filter((l) => l.output !== l.index * 3);
  assert.deepEqual(wrong, [], 'no wrong output in the download');
}

test('colluders who agree on the same wrong output are caught, banned, and undone', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const volunteers = await fleet(server.url, 8, 2, () => 'WRONG', t);
  const client = api(server.url, ADMIN_KEY);
  const n = 150;
  const created = await client.post('/api/jobs', {
    name: 'collusion',
    code: triple,
    inputs: Array.from({ length: n }, (_, i) => i),
    maxReplicas: 6,
  });
  const colluders = volunteers.slice(8).map((v) => v.client.volunteerId!);
  let job = await waitForJob(client, created.body.id, 120_000);
  // Bans and their backtracking may reopen the job after it first finished.
  await until(
    async () => {
      const banned = await bannedIds(server);
      return colluders.every((id) => banned.has(id)) ? true : undefined;
    },
    'both colluders to be banned',
    60_000,
  );
  job = await waitForJob(client, created.body.id, 120_000);
  assert.equal(job.state, 'done');
  await checkAllCorrect(client, job.id, n);
  assert.ok(
    job.trust.replicasPerSettled <= 2.5,
    `replicas per task ${job.trust.replicasPerSettled}`,
  );
  assert.equal(job.trust.volunteersBanned, 2);
  const honest = await bannedIds(server);
  assert.equal(honest.size, 2, 'no honest volunteer was banned');
});

test('with a fifth of volunteers returning random outputs, all are right', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  await fleet(server.url, 8, 2, () => Math.random(), t);
  const client = api(server.url, ADMIN_KEY);
  const n = 150;
  const created = await client.post('/api/jobs', {
    name: 'sabotage',
    code: triple,
    inputs: Array.from({ length: n }, (_, i) => i),
    maxReplicas: 6,
  });
  const job = await waitForJob(client, created.body.id, 120_000);
  assert.equal(job.state, 'done');
  await checkAllCorrect(client, job.id, n);
  assert.ok(
    job.trust.disagreements > 0,
    'the coordinator saw disagreeing results',
  );
  assert.ok(
    job.trust.replicasPerSettled <= 2.5,
    `replicas per task ${job.trust.replicasPerSettled}`,
  );
});

test('adaptive: once credibility is earned, tasks settle on about one replica', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  await fleet(server.url, 4, 0, (o) => o, t);
  const client = api(server.url, ADMIN_KEY);
  const n = 400;
  const created = await client.post('/api/jobs', {
    name: 'adaptive',
    code: triple,
    inputs: Array.from({ length: n }, (_, i) => i),
    verification: 'adaptive',
    targetErrorRate: 0.01,
    spotCheckRate: 0.1,
    maxReplicas: 6,
  });
  const job = await waitForJob(client, created.body.id, 120_000);
  assert.equal(job.state, 'done');
  await checkAllCorrect(client, job.id, n);
  const { count } = server.store.db
    .prepare(
      'SELECT count(*) AS count FROM replicas WHERE job_id = ? AND task_idx >= ? AND state = ' +
        "'returned'",
    )
    .get(job.id, n / 2) as { count: number };
  const perTask = count / (n / 2);
  assert.ok(perTask < 1.3, `replicas per task in the second half: ${perTask}`);
  assert.ok(
    job.trust.errorBound <= 0.05,
    `error bound ${job.trust.errorBound}`,
  );
});

test('a volunteer that fails a canary is banned at once', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const liar = startNodeVolunteer({
    url: server.url,
    slots: 1,
    transformOutput: () => -1,
  });
  t.after(() => liar.stop());
  const created = await client.post('/api/jobs', {
    name: 'canaries',
    code: triple,
    inputs: Array.from({ length: 40 }, (_, i) => i),
    canaries: Array.from({ length: 5 }, (_, i) => ({
      input: 1000 + i,
      output: (1000 + i) * 3,
    })),
  });
  const id = await until(() => liar.client.volunteerId ?? undefined, 'liar id');
  await until(
    async () => ((await bannedIds(server)).has(id) ? true : undefined),
    'the liar to be banned',
    60_000,
  );
  const volunteers = await api(server.url, ADMIN_KEY).get('/api/volunteers');
  assert.ok(volunteers.body.volunteers.find((v: any) => v.id === id).banned);
  const job = (await client.get(`/api/jobs/${created.body.id}`)).body;
  assert.ok(job.trust.checks >= 1);
  assert.equal(job.counts.total, 40, 'canaries are not counted as tasks');
});
