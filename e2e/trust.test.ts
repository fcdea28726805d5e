/**
 * Trust in real Chromium: fleets with saboteurs and colluders injected
 * through the page, against a real coordinator. Every output downloaded must
 * be right, cheaters banned, and replication kept near its floor.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  until,
  waitForJob,
  type TestServer,
} from '../server/test/helpers.ts';
import { launchFleet, type Fleet, type FleetOptions } from './fleet/index.ts';

const WAIT_MS = 150_000;
const bounded = { timeout: 240_000 };
const triple = 'export default async (n) => n * 3;';

async function fleetOn(
  t: TestContext,
  options: Omit<FleetOptions, 'url'>,
): Promise<{ server: TestServer; fleet: Fleet }> {
  assert.ok(
    existsSync('web/dist/index.html'),
    'web/dist is missing: run `npm run build:web` first',
  );
  const server = await startServer();
  let fleet: Fleet | undefined;
  t.after(async () => {
    await fleet?.close();
    await server.close();
  });
  fleet = await launchFleet({
    url: server.url,
    pollIntervalMs: 250,
    seed: 7,
    ...options,
  });
  await fleet.waitForTabs(options.tabs, WAIT_MS);
  return { server, fleet };
}

async function allCorrect(
  client: ReturnType<typeof api>,
  id: string,
  n: number,
) {
  const lines = parseLines((await client.get(`/api/jobs/${id}/results`)).text);
  assert.equal(lines.length, n);
  assert.deepEqual(
    lines.filter((l) => l.output !== l.index * 3),
    [],
    'no wrong output in the download',
  );
}

async function bannedCount(server: TestServer): Promise<number> {
  const res = await api(server.url, ADMIN_KEY).get('/api/volunteers');
  return res.body.volunteers.filter((v: { banned: boolean }) => v.banned)
    .length;
}

test(
  'a fifth of tabs colluding on one wrong output: all outputs right, colluders banned',
  bounded,
  async (t) => {
    const { server } = await fleetOn(t, { tabs: 10, colluders: 0.2 });
    const client = api(server.url, ADMIN_KEY);
    const n = 120;
    const created = await client.post('/api/jobs', {
      name: 'collusion',
      code: triple,
      inputs: Array.from({ length: n }, (_, i) => i),
      maxReplicas: 6,
    });
    await until(
      async () => ((await bannedCount(server)) >= 2 ? true : undefined),
      'both colluders banned',
      WAIT_MS,
    );
    const job = await waitForJob(client, created.body.id, WAIT_MS);
    assert.equal(job.state, 'done');
    await allCorrect(client, job.id, n);
    assert.equal(
      await bannedCount(server),
      2,
      'only the colluders were banned',
    );
    assert.ok(
      job.trust.replicasPerSettled <= 2.5,
      `replicas per task ${job.trust.replicasPerSettled}`,
    );
  },
);

test(
  'a fifth of tabs returning random wrong outputs: all outputs right',
  bounded,
  async (t) => {
    const { server } = await fleetOn(t, { tabs: 10, saboteurs: 0.2 });
    const client = api(server.url, ADMIN_KEY);
    const n = 120;
    const created = await client.post('/api/jobs', {
      name: 'sabotage',
      code: triple,
      inputs: Array.from({ length: n }, (_, i) => i),
      maxReplicas: 6,
    });
    const job = await waitForJob(client, created.body.id, WAIT_MS);
    assert.equal(job.state, 'done');
    await allCorrect(client, job.id, n);
    assert.ok(job.trust.disagreements > 0, 'the saboteurs were seen');
    assert.ok(
      job.trust.replicasPerSettled <= 2.5,
      `replicas per task ${job.trust.replicasPerSettled}`,
    );
  },
);

test(
  'honest tabs with adaptive verification: about one replica per task once credibility is earned',
  bounded,
  async (t) => {
    const { server } = await fleetOn(t, { tabs: 4 });
    const client = api(server.url, ADMIN_KEY);
    const n = 400;
    const created = await client.post('/api/jobs', {
      name: 'adaptive',
      code: triple,
      inputs: Array.from({ length: n }, (_, i) => i),
      verification: 'adaptive',
      maxReplicas: 6,
    });
    const job = await waitForJob(client, created.body.id, WAIT_MS);
    assert.equal(job.state, 'done');
    await allCorrect(client, job.id, n);
    const { count } = server.store.db
      .prepare(
        'SELECT count(*) AS count FROM replicas WHERE job_id = ? AND task_idx >= ? AND state = ' +
          "'returned'",
      )
      .get(job.id, n / 2) as { count: number };
    assert.ok(
      count / (n / 2) < 1.3,
      `replicas per task in the second half: ${count / (n / 2)}`,
    );
  },
);
