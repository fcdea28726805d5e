/**
 * A straggler tab, throttled by the test to a tenth of its CPU (the
 * page's own duty cycle: it rests nine times as long as each task ran),
 * must not hold up the end of a job: the idle tabs take backup replicas of
 * its leases, and its own are cancelled. Tasks of 300 ms keep each of its
 * leases out for at least 3 s, well past the 1 s at which a backup is due.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  until,
  waitForJob,
} from '../server/test/helpers.ts';
import { launchChromium } from './chromium.ts';

/**
 * Enough tasks that the job's tail comes after the straggler's second
 * result: from then on it always holds a lease it will not finish for
 * another 3 s or more, which the idle tabs back up.
 */
const TASKS = 40;

const work = `export default async (n) => {
  const until = Date.now() + 300;
  while (Date.now() < until) {}
  return n * 7;
};`;

test(
  'a throttled tab does not hold up the end of a job',
  { timeout: 180_000 },
  async (t) => {
    assert.ok(
      existsSync('web/dist/index.html'),
      'web/dist is missing: run `npm run build:web` first',
    );
    // No spot checks: every lease the straggler takes is a task the job waits for.
    const server = await startServer({ config: { maxCheckRate: 0 } });
    t.after(() => server.close());
    const browser = await launchChromium();
    t.after(() => browser.close());
    const open = async (cpuShare: number) => {
      const context = await browser.newContext();
      await context.addInitScript((share) => {
        const page = globalThis as unknown as {
          localStorage: { setItem(key: string, value: string): void };
        };
        page.localStorage.setItem(
          'tabgrid.settings',
          JSON.stringify({ workers: 1, cpuShare: share }),
        );
      }, cpuShare);
      const page = await context.newPage();
      await page.goto(`${server.url}/?autostart=1&workers=1`);
      return page;
    };
    const straggler = await open(0.1);
    const volunteerId = await until(
      () =>
        straggler.evaluate(
          () =>
            (
              globalThis as unknown as {
                __tabgridStatus?: { volunteerId?: string };
              }
            ).__tabgridStatus?.volunteerId ?? undefined,
        ),
      'the straggler to join',
    );
    await open(1);
    await open(1);
    const admin = api(server.url, ADMIN_KEY);
    await until(async () => {
      const { body } = await admin.get('/api/volunteers');
      const online = body.volunteers.filter(
        (v: { online: boolean; slots: number }) => v.online && v.slots > 0,
      );
      return online.length === 3 ? true : undefined;
    }, 'three tabs online with a slot each');
    const client = api(server.url, ADMIN_KEY);
    const created = await client.post('/api/jobs', {
      name: 'with a straggler',
      code: work,
      inputs: Array.from({ length: TASKS }, (_, i) => i),
      redundancy: 1,
      quorum: 1,
    });
    const job = await waitForJob(client, created.body.id, 150_000);
    assert.equal(job.state, 'done');
    const lines = parseLines(
      (await client.get(`/api/jobs/${job.id}/results`)).text,
    );
    assert.deepEqual(
      lines.map((l) => l.output),
      Array.from({ length: TASKS }, (_, i) => i * 7),
    );
    const overtaken = server.store.db
      .prepare(
        'SELECT count(*) AS n FROM replicas WHERE job_id = ? AND volunteer_id = ? AND state = ' +
          "'cancelled'",
      )
      .get(job.id, volunteerId) as { n: number };
    assert.ok(
      overtaken.n >= 1,
      "the straggler's leases were overtaken by backups",
    );
  },
);
