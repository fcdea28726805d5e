/**
 * The fleet against the built app (`npm run build:web` first) and a real
 * coordinator (a temporary SQLite file, a loopback port): real Chromium
 * tabs as volunteers, with tabs closed, churned, sabotaged and colluding on
 * purpose. Each test starts its own coordinator and fleet and closes both.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, test, type TestContext } from 'node:test';
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

const bounded = { timeout: 150_000 };
/** Generous: other work may share the machine's two cores. */
const WAIT_MS = 90_000;

/** Squares n after a fixed amount of busy work, so tasks overlap in time. */
function squareAfterWork(iterations: number): string {
  return `export default async (n) => {
    let x = n;
    for (let i = 0; i < ${iterations}; i++) x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x === -1 ? -1 : n * n;
  };`;
}

const numbers = (count: number) => Array.from({ length: count }, (_, i) => i);

/**
 * A coordinator and a fleet whose tabs are all connected. One cleanup
 * closes the fleet first, so that no tab outlives the coordinator.
 */
async function setUp(
  t: TestContext,
  fleetOptions: Omit<FleetOptions, 'url'>,
  serverConfig = {},
): Promise<{ server: TestServer; fleet: Fleet }> {
  const server = await startServer({ config: serverConfig });
  let fleet: Fleet | undefined;
  t.after(async () => {
    await fleet?.close();
    await server.close();
  });
  fleet = await launchFleet({
    url: server.url,
    pollIntervalMs: 100,
    ...fleetOptions,
  });
  await fleet.waitForTabs(fleetOptions.tabs, WAIT_MS);
  return { server, fleet };
}

async function submit(server: TestServer, spec: object) {
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', spec);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { client, id: created.body.id as string };
}

async function outputsOf(client: ReturnType<typeof api>, id: string) {
  const lines = parseLines((await client.get(`/api/jobs/${id}/results`)).text);
  return lines.map((l) => l.output as unknown);
}

/** Every replica of every task of a job, as GET /api/jobs/:id/tasks/:i lists them. */
async function replicasOf(
  client: ReturnType<typeof api>,
  id: string,
  total: number,
): Promise<Array<{ volunteerId: string; state: string; verdict: string }>> {
  const tasks = await Promise.all(
    numbers(total).map((i) => client.get(`/api/jobs/${id}/tasks/${i}`)),
  );
  return tasks.flatMap((task) => task.body.replicas);
}

/** Uncaught exceptions and console errors, less an offline tab's failed requests. */
function assertNoPageErrors(fleet: Fleet): void {
  const unexpected = fleet
    .problems()
    .filter((p) => p.kind === 'pageerror' || p.kind === 'console')
    .filter((p) => !p.expected);
  assert.deepEqual(unexpected, []);
}

describe('the Playwright fleet against a real coordinator', () => {
  before(() => {
    if (!existsSync('web/dist/index.html'))
      throw new Error('web/dist is missing: run `npm run build:web` first');
  });

  test(
    'a job completes on Chromium tabs with the right results, and the pages show it',
    bounded,
    async (t) => {
      const { server, fleet } = await setUp(t, { tabs: 2 });
      const spec = {
        name: 'squares on tabs',
        description: 'Squares 0 to 11 on two volunteer tabs.',
        code: squareAfterWork(2e8),
        inputs: numbers(12),
      };
      const { client, id } = await submit(server, spec);

      const page = fleet.page(fleet.tabs()[0]!.id);
      await page
        .getByTestId('tasks-running')
        .filter({ hasNotText: /^0$/ })
        .waitFor({ timeout: WAIT_MS });
      assert.equal(await page.getByTestId('job-name').textContent(), spec.name);
      assert.equal(
        await page.getByTestId('job-description').textContent(),
        spec.description,
      );

      const job = await waitForJob(client, id, WAIT_MS);
      assert.equal(job.state, 'done');
      assert.deepEqual(
        await outputsOf(client, id),
        numbers(12).map((n) => n * n),
      );
      await fleet.refresh();
      const volunteers = new Set(fleet.tabs().map((v) => v.volunteerId));
      const replicas = await replicasOf(client, id, 12);
      assert.ok(
        replicas.every((r) => volunteers.has(r.volunteerId)),
        'every replica ran on a fleet tab',
      );
      for (const tab of fleet.tabs()) {
        const shown = await fleet
          .page(tab.id)
          .getByTestId('tasks-done')
          .textContent();
        assert.equal(shown, String(tab.tasksDone));
      }
      assert.equal(
        fleet.stats().tasksDone,
        24,
        'two replicas of each of 12 tasks',
      );
      assertNoPageErrors(fleet);
    },
  );

  test(
    'closing a tab mid-task re-issues its lease and the job still completes',
    bounded,
    async (t) => {
      const { server, fleet } = await setUp(t, { tabs: 3 });
      const { client, id } = await submit(server, {
        name: 'survives a closed tab',
        code: squareAfterWork(3e8),
        inputs: numbers(9),
      });
      const busy = await until(
        () => fleet.tabs().find((v) => v.running > 0),
        'a tab running a task',
        WAIT_MS,
      );
      await fleet.closeTab(busy.id, false);

      const job = await waitForJob(client, id, WAIT_MS);
      assert.equal(job.state, 'done');
      assert.deepEqual(
        await outputsOf(client, id),
        numbers(9).map((n) => n * n),
      );
      assert.ok(job.counts.reissued >= 1, `reissued ${job.counts.reissued}`);
      const lost = (await replicasOf(client, id, 9)).filter(
        (r) => r.state === 'lost' && r.volunteerId === busy.volunteerId,
      );
      assert.ok(
        lost.length >= 1,
        'the closed tab left at least one lost lease',
      );
      assertNoPageErrors(fleet);
    },
  );

  test(
    'churn closes, reloads and takes tabs offline, and the job still completes correctly',
    bounded,
    async (t) => {
      // A short ping interval, so that a 2 s outage is one the coordinator notices.
      const { server, fleet } = await setUp(
        t,
        { tabs: 3, churn: 20, offlineMs: 2000, seed: 7 },
        { pingIntervalMs: 500 },
      );
      const { client, id } = await submit(server, {
        name: 'survives churn',
        code: squareAfterWork(5e7),
        inputs: numbers(30),
        maxReplicas: 8,
      });
      await until(
        () => {
          const c = fleet.stats().churned;
          return (c.closed > 0 && c.reloaded > 0 && c.offline > 0) || undefined;
        },
        'a close, a reload and an offline event',
        WAIT_MS,
      );

      const job = await waitForJob(client, id, WAIT_MS);
      assert.equal(job.state, 'done');
      assert.deepEqual(
        await outputsOf(client, id),
        numbers(30).map((n) => n * n),
      );
      assert.ok(
        job.counts.reissued > 0,
        'churn ended some leases without a result',
      );
      assertNoPageErrors(fleet);
    },
  );

  test(
    'saboteurs are outvoted: disagreeing results are seen and every task settles right',
    bounded,
    async (t) => {
      const { server, fleet } = await setUp(t, {
        tabs: 4,
        saboteurs: 0.25,
        seed: 3,
      });
      assert.equal(fleet.stats().saboteurs, 1);
      const { client, id } = await submit(server, {
        name: 'outvotes a saboteur',
        code: squareAfterWork(2e7),
        inputs: numbers(16),
        quorum: 2,
        maxReplicas: 6,
      });
      const job = await waitForJob(client, id, WAIT_MS);
      assert.equal(job.state, 'done');
      assert.deepEqual(
        await outputsOf(client, id),
        numbers(16).map((n) => n * n),
      );
      await fleet.refresh();
      assert.ok(
        fleet.stats().wrongOutputs > 0,
        'the saboteur sent wrong outputs',
      );
      const replicas = await replicasOf(client, id, 16);
      assert.ok(
        replicas.some((r) => r.verdict === 'disagreed'),
        'some replica was found to disagree',
      );
      assert.ok(
        job.counts.replicas > 16 * 2,
        `replicas ${job.counts.replicas}`,
      );
      assertNoPageErrors(fleet);
    },
  );

  test(
    'colluders agree with each other on one wrong output per task',
    bounded,
    async (t) => {
      const { server, fleet } = await setUp(t, { tabs: 2, colluders: 1 });
      const { client, id } = await submit(server, {
        name: 'colluders only',
        code: squareAfterWork(1e6),
        inputs: numbers(6),
        quorum: 2,
      });
      const job = await waitForJob(client, id, WAIT_MS);
      // With nobody honest, quorum alone cannot tell: the agreed wrong value settles.
      assert.equal(job.state, 'done');
      const outputs = (await outputsOf(client, id)) as number[];
      outputs.forEach((output, n) =>
        assert.notEqual(output, n * n, `task ${n} settled wrong`),
      );
      const replicas = await replicasOf(client, id, 6);
      assert.ok(replicas.every((r) => r.verdict === 'agreed'));
      await fleet.refresh();
      assert.equal(fleet.stats().wrongOutputs, 12);
      assertNoPageErrors(fleet);
    },
  );
});
