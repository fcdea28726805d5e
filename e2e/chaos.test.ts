/**
 * Chaos: a fleet of Chromium tabs closed, reloaded and taken offline at
 * random, at half again the churn of fleet.test.ts and on more tabs (two
 * events a second over the fleet), all through one job. The job must
 * complete with every result right.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  waitForJob,
} from '../server/test/helpers.ts';
import { launchFleet, type Fleet } from './fleet/index.ts';

const TASKS = 48;
const code = `export default async (n) => {
  let x = n;
  for (let i = 0; i < 2e7; i++) x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  return x === -1 ? -1 : n * n;
};`;

const churnEvents = (fleet: Fleet) => {
  const c = fleet.stats().churned;
  return c.closed + c.reloaded + c.offline;
};

test(
  'under heavy churn (30 events per tab per minute) every result is right',
  { timeout: 180_000 },
  async (t) => {
    if (!existsSync('web/dist/index.html'))
      throw new Error('web/dist is missing: run `npm run build:web` first');
    // Short ping and grace, so outages and closed tabs end leases quickly.
    const server = await startServer({
      config: { pingIntervalMs: 500, reconnectGraceMs: 500 },
    });
    let fleet: Fleet | undefined;
    t.after(async () => {
      await fleet?.close();
      await server.close();
    });
    fleet = await launchFleet({
      url: server.url,
      tabs: 4,
      churn: 30,
      offlineMs: 1500,
      pollIntervalMs: 100,
      seed: Number(process.env.TABGRID_CHAOS_SEED ?? 11),
    });
    await fleet.waitForTabs(4, 90_000);
    const client = api(server.url, ADMIN_KEY);
    const created = await client.post('/api/jobs', {
      name: 'chaos',
      code,
      inputs: Array.from({ length: TASKS }, (_, i) => i),
      maxReplicas: 10,
    });
    assert.equal(created.status, 201, created.text);
    const eventsBefore = churnEvents(fleet);
    const job = await waitForJob(client, created.body.id, 150_000);
    const during = churnEvents(fleet) - eventsBefore;
    t.diagnostic(
      `${during} churn events during the job: ${JSON.stringify(fleet.stats().churned)}`,
    );

    assert.equal(job.state, 'done');
    assert.equal(job.counts.settled, TASKS);
    const outputs = parseLines(
      (await client.get(`/api/jobs/${job.id}/results`)).text,
    ).map((l) => l.output);
    assert.deepEqual(
      outputs,
      Array.from({ length: TASKS }, (_, n) => n * n),
    );
    assert.ok(during >= 6, `only ${during} churn events while the job ran`);
    assert.ok(job.counts.reissued > 0, 'churn ended leases without a result');
    const unexpected = fleet
      .problems()
      .filter((p) => p.kind === 'pageerror' && !p.expected);
    assert.deepEqual(unexpected, []);
  },
);
