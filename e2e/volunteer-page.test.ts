/**
 * The volunteer page in real Chromium against a real coordinator (a
 * temporary SQLite file, a loopback port), serving the built app
 * (`npm run build:web` first). Two browser contexts are two volunteers, so
 * that a job at quorum 2 can settle.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_KEY,
  api,
  startServer,
  until,
  waitForJob,
  type TestServer,
} from '../server/test/helpers.ts';
import type { VolunteerStatus } from '../web/src/volunteer/status.ts';
import { launchChromium } from './chromium.ts';

const bounded = { timeout: 60_000 };
const JOB = {
  name: 'cubes for the page test',
  description: 'Cubes the numbers 0 to 29, for the volunteer page test.',
  code: 'export default async (n, ctx) => { ctx.progress(0.5); return n * n * n; };',
  inputs: Array.from({ length: 30 }, (_, i) => i),
};

let server: TestServer;
let browser: Browser;
const problems: string[] = [];

async function openVolunteer(
  query: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(
        `console error: ${message.text()} at ${message.location().url}`,
      );
    }
  });
  await page.goto(`${server.url}/${query}`);
  return { context, page };
}

function status(page: Page): Promise<VolunteerStatus> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { __tabgridStatus: VolunteerStatus })
        .__tabgridStatus,
  );
}

describe('volunteer page against a real coordinator', () => {
  before(async () => {
    if (!existsSync('web/dist/index.html'))
      throw new Error('web/dist is missing: run `npm run build:web` first');
    server = await startServer();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test(
    'two tabs, one started by a click and one by ?autostart, complete a job and show it',
    bounded,
    async () => {
      const clicked = await openVolunteer('');
      await clicked.page.getByTestId('start-button').click();
      const auto = await openVolunteer('?autostart=1&workers=1');
      for (const { page } of [clicked, auto]) {
        await page
          .getByTestId('connection-state')
          .and(page.locator('[data-state="connected"]'))
          .waitFor();
      }

      const client = api(server.url, ADMIN_KEY);
      const created = await client.post('/api/jobs', JOB);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const job = await waitForJob(client, created.body.id);
      assert.equal(job.state, 'done');

      let doneOnPages = 0;
      for (const { page } of [clicked, auto]) {
        const seen = await status(page);
        doneOnPages += seen.tasksDone;
        assert.equal(seen.state, 'connected');
        assert.equal(
          await page.getByTestId('tasks-done').textContent(),
          String(seen.tasksDone),
        );
        if (seen.tasksDone > 0) {
          assert.equal(
            await page.getByTestId('job-name').textContent(),
            JOB.name,
          );
          assert.equal(
            await page.getByTestId('job-description').textContent(),
            JOB.description,
          );
        }
      }
      // Quorum 2 over two volunteers: each task settled with a result from each tab.
      assert.ok(
        doneOnPages >= 2 * JOB.inputs.length,
        `only ${doneOnPages} results from the tabs`,
      );
      await clicked.page
        .getByTestId('credit-validated')
        .filter({ hasNotText: /^0$/ })
        .waitFor();
      await Promise.all([clicked.context.close(), auto.context.close()]);
    },
  );

  test(
    'pause, resume, workers and stop each reach the coordinator',
    bounded,
    async () => {
      const { context, page } = await openVolunteer('?autostart=1&workers=1');
      await page
        .getByTestId('connection-state')
        .and(page.locator('[data-state="connected"]'))
        .waitFor();
      const id = (await status(page)).volunteerId;
      const admin = api(server.url, ADMIN_KEY);
      const seen = (want: { online: boolean; slots: number }, what: string) =>
        until(
          async () => {
            const { body } = await admin.get('/api/volunteers');
            const v = body.volunteers.find((x: { id: string }) => x.id === id);
            return v && v.online === want.online && v.slots === want.slots
              ? v
              : undefined;
          },
          what,
          20_000,
        );

      await seen({ online: true, slots: 1 }, 'one slot offered');
      await page.getByTestId('pause-button').click();
      await seen({ online: true, slots: 0 }, 'no slots while paused');
      assert.deepEqual((await status(page)).pauseReasons, ['user']);
      await page.getByTestId('resume-button').click();
      await seen({ online: true, slots: 1 }, 'the slot offered again');
      if (
        (await page.getByTestId('workers-input').getAttribute('max')) !== '1'
      ) {
        await page.getByTestId('workers-input').fill('2');
        await seen(
          { online: true, slots: 2 },
          'two slots after moving the slider',
        );
      }
      await page.getByTestId('stop-button').click();
      await seen({ online: false, slots: 0 }, 'the volunteer gone after stop');
      assert.equal(
        await page.getByTestId('connection-state').getAttribute('data-state'),
        'stopped',
      );
      await context.close();
    },
  );

  test(
    'a reloaded tab comes back as the same volunteer, with its settings',
    bounded,
    async () => {
      const { context, page } = await openVolunteer('?autostart=1');
      await page
        .getByTestId('connection-state')
        .and(page.locator('[data-state="connected"]'))
        .waitFor();
      const first = (await status(page)).volunteerId;
      await page.getByTestId('cpu-share-input').fill('50');
      await page.reload();
      await page
        .getByTestId('connection-state')
        .and(page.locator('[data-state="connected"]'))
        .waitFor();
      const again = await status(page);
      assert.ok(first);
      assert.equal(again.volunteerId, first);
      assert.equal(again.settings.cpuShare, 0.5);
      await context.close();
    },
  );

  test(
    'the pages raised no errors and logged no console errors',
    bounded,
    () => {
      assert.deepEqual(problems, []);
    },
  );
});
