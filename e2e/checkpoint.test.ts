/**
 * Checkpoints in a real tab: a long task saves its state with
 * ctx.checkpoint, the tab reloads mid-task, and within the reconnect grace
 * the same lease comes back to the same volunteer, which resumes from the
 * saved state instead of starting over.
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

const steps = 24;
const longTask = `
export default async (input, ctx) => {
  const saved = ctx.checkpointed;
  let state = saved ?? { step: 0, sum: 0 };
  const resumedAt = saved ? saved.step : 0;
  for (; state.step < ${steps}; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    state = { step: state.step + 1, sum: state.sum + state.step * input };
    ctx.checkpoint(state);
    ctx.progress(state.step / ${steps});
  }
  return { sum: state.sum, resumedAt };
};`;

/** The few IndexedDB shapes used inside the page (this file has no DOM types). */
interface IDBFactoryLike {
  open(
    name: string,
    version: number,
  ): {
    onerror: (() => void) | null;
    onsuccess: (() => void) | null;
    result: {
      objectStoreNames: { contains(name: string): boolean };
      transaction(
        name: string,
        mode: string,
      ): {
        objectStore(name: string): {
          getAll(): {
            onsuccess: (() => void) | null;
            onerror: (() => void) | null;
            result: { state: { step: number } }[];
          };
        };
      };
    };
  };
}

async function savedSteps(
  page: import('playwright-core').Page,
): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const idb = (globalThis as unknown as { indexedDB: IDBFactoryLike })
          .indexedDB;
        const req = idb.open('tabgrid', 1);
        req.onerror = () => resolve(0);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('checkpoints')) return resolve(0);
          const all = db
            .transaction('checkpoints', 'readonly')
            .objectStore('checkpoints')
            .getAll();
          all.onsuccess = () =>
            resolve(
              Math.max(
                0,
                ...all.result.map(
                  (e: { state: { step: number } }) => e.state.step,
                ),
              ),
            );
          all.onerror = () => resolve(0);
        };
      }),
  );
}

test('a reloaded tab resumes a checkpointed task from its saved state', async (t) => {
  assert.ok(
    existsSync('web/dist/index.html'),
    'web/dist is missing: run `npm run build:web` first',
  );
  const server = await startServer({ argv: ['--reconnect-grace-ms', '30000'] });
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'long',
    code: longTask,
    inputs: [3],
    quorum: 1,
    timeoutMs: 120_000,
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${server.url}/?autostart=1&workers=1`);
  await until(
    async () => ((await savedSteps(page)) >= 4 ? true : undefined),
    'four checkpoints',
    60_000,
  );
  await page.reload();
  const job = await waitForJob(client, created.body.id, 90_000);
  assert.equal(job.state, 'done');
  const [line] = parseLines(
    (await client.get(`/api/jobs/${job.id}/results`)).text,
  );
  const expectedSum = Array.from({ length: steps }, (_, i) => i * 3).reduce(
    (a, b) => a + b,
    0,
  );
  assert.equal(line.output.sum, expectedSum);
  assert.ok(
    line.output.resumedAt >= 4,
    `resumed at step ${line.output.resumedAt}`,
  );
  const task = await client.get(`/api/jobs/${job.id}/tasks/0`);
  assert.deepEqual(
    task.body.replicas.map((r: any) => r.state),
    ['returned'],
    'the same lease carried on',
  );
  assert.deepEqual(errors, []);
});
