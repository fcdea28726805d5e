/**
 * The sandbox and worker pool in real Chromium, against the built app
 * (`npm run build:web` first). web/harness.html puts a WorkerPool on
 * `window`; these tests run job code through it and watch both what the job
 * sees and what the server receives.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { seededRandom } from '../shared/random.ts';
import type { Lease } from '../shared/protocol.ts';
import type { Harness, HarnessRun } from '../web/src/harness/api.ts';
import { launchChromium } from './chromium.ts';
import { networkAttempts } from './sandbox-escapes.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';

const DIST = fileURLToPath(new URL('../web/dist', import.meta.url));
const TEST_TIMEOUT_MS = 30_000;
const bounded = { timeout: TEST_TIMEOUT_MS };

let server: StaticServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The harness page's global, as seen from inside `page.evaluate`. */
type HarnessGlobal = { __tabgridHarness: Harness };

function runJob(code: string, lease: Partial<Lease> = {}): Promise<HarnessRun> {
  return page.evaluate(
    ([code, lease]) =>
      (globalThis as unknown as HarnessGlobal).__tabgridHarness.run(
        code,
        lease,
      ),
    [code, lease] as const,
  );
}

function probesSeen(): string[] {
  return server.requests.filter((path) => path.startsWith('/probe/'));
}

describe('sandbox worker pool in Chromium', () => {
  before(async () => {
    if (!existsSync(`${DIST}/harness.html`)) {
      throw new Error(
        `${DIST}/harness.html is missing: run \`npm run build:web\` first`,
      );
    }
    server = await startStaticServer(DIST);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${server.origin}/harness.html`);
    await page.waitForFunction(() => '__tabgridHarness' in globalThis);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test(
    'the test server counts a probe that the page itself fetches',
    bounded,
    async () => {
      await page.evaluate(
        (url) => fetch(url).then((r) => r.text()),
        `${server.origin}/probe/control`,
      );
      assert.deepEqual(probesSeen(), ['/probe/control']);
      server.requests.length = 0;
    },
  );

  test(
    'job code cannot reach the network by any way, and no request arrives',
    bounded,
    async (t) => {
      for (const [way, code] of Object.entries(
        networkAttempts(server.origin, server.port),
      )) {
        await t.test(`through ${way}`, async () => {
          server.requests.length = 0;
          const { outcome } = await runJob(code);
          assert.equal(
            outcome.error,
            undefined,
            `the job itself failed: ${outcome.error?.message}`,
          );
          assert.match(
            String(outcome.output),
            /^blocked: /,
            `${way} was not blocked: ${outcome.output}`,
          );
          assert.deepEqual(
            probesSeen(),
            [],
            `a request reached the server through ${way}`,
          );
        });
      }
    },
  );

  test(
    'job code finds no storage or other contexts to talk to',
    bounded,
    async () => {
      const names = [
        'indexedDB',
        'caches',
        'BroadcastChannel',
        'Worker',
        'importScripts',
        'WebTransport',
      ];
      const code =
        `export default () => ${JSON.stringify(names)}` +
        ".filter((n) => typeof globalThis[n] !== 'undefined');";
      const { outcome } = await runJob(code);
      assert.deepEqual(outcome.output, []);
    },
  );

  test(
    'the worker runs under its own CSP: eval is refused, WebAssembly compiles',
    bounded,
    async () => {
      const code = `export default async () => {
      let evalResult;
      try { evalResult = eval('1 + 1'); } catch (e) { evalResult = e.name; }
      const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,
        7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
      const { instance } = await WebAssembly.instantiate(bytes);
      return { evalResult, sum: instance.exports.add(2, 3) };
    };`;
      const { outcome } = await runJob(code);
      assert.deepEqual(outcome.output, { evalResult: 'EvalError', sum: 5 });
    },
  );

  test(
    'an endless loop is stopped at its deadline and reported as a timeout',
    bounded,
    async () => {
      const { outcome } = await runJob(
        'export default () => { for (;;) {} };',
        { timeoutMs: 300 },
      );
      assert.deepEqual(outcome.error, {
        message: 'timed out after 300 ms',
        kind: 'timeout',
      });
      assert.ok(
        outcome.elapsedMs >= 300,
        `elapsedMs ${outcome.elapsedMs} is under the deadline`,
      );
      const next = await runJob('export default (n) => n * 2;', { input: 21 });
      assert.equal(
        next.outcome.output,
        42,
        'the pool did not carry on after the timeout',
      );
    },
  );

  test(
    'a thrown error comes back with its message and stack',
    bounded,
    async () => {
      const code = `function failDeep(n) { throw new Error('boom at task ' + n); }
      export default (input, ctx) => failDeep(ctx.taskIndex);`;
      const { outcome } = await runJob(code, { taskIndex: 3 });
      assert.equal(outcome.error?.message, 'boom at task 3');
      assert.equal(outcome.error?.kind, 'thrown');
      assert.match(
        outcome.error?.stack ?? '',
        /Error: boom at task 3\n\s+at failDeep/,
      );
    },
  );

  test(
    'ctx.random draws the same numbers for the same seed, in any worker',
    bounded,
    async () => {
      await page.evaluate(() =>
        (globalThis as unknown as HarnessGlobal).__tabgridHarness.resize(2),
      );
      const code =
        'export default (input, ctx) => Array.from({ length: 5 }, () => ctx.random());';
      const seed: Lease['seed'] = [0x9e3779b9, 7, 0xdeadbeef, 42];
      const [a, b, other] = await Promise.all([
        runJob(code, { seed }),
        runJob(code, { seed }),
        runJob(code, { seed: [1, 1, 1, 1] }),
      ]);
      const next = seededRandom(seed);
      assert.deepEqual(a.outcome.output, Array.from({ length: 5 }, next));
      assert.deepEqual(b.outcome.output, a.outcome.output);
      assert.notDeepEqual(other.outcome.output, a.outcome.output);
    },
  );

  test(
    'ctx.progress reaches the page, held within [0, 1]',
    bounded,
    async () => {
      const quarter = await runJob(
        'export default (input, ctx) => { ctx.progress(0.25); return 1; };',
      );
      assert.deepEqual(quarter.progress, [0.25]);
      const over = await runJob(
        'export default (input, ctx) => { ctx.progress(7); return 2; };',
      );
      assert.deepEqual(over.progress, [1]);
    },
  );

  test(
    'cancel stops a running task and its worker is replaced',
    bounded,
    async () => {
      const { outcome, stats } = await page.evaluate(async () => {
        const h = (globalThis as unknown as HarnessGlobal).__tabgridHarness;
        const code =
          'export default (input, ctx) => { ctx.progress(0.01); for (;;) {} };';
        const run = h.run(code, { leaseId: 90_001, timeoutMs: 600_000 });
        await h.firstProgress(90_001);
        h.cancel(90_001);
        const { outcome } = await run;
        return { outcome, stats: h.stats() };
      });
      assert.equal(outcome.error?.message, 'cancelled');
      assert.deepEqual(stats, { size: 2, workers: 2, busy: 0 });
    },
  );

  test(
    "a worker keeps one job's code: the same job reuses it, another job does not share it",
    bounded,
    async () => {
      await page.evaluate(() =>
        (globalThis as unknown as HarnessGlobal).__tabgridHarness.resize(1),
      );
      const counter =
        'export default () => (globalThis.count = (globalThis.count ?? 0) + 1);';
      assert.equal((await runJob(counter)).outcome.output, 1);
      assert.equal((await runJob(counter)).outcome.output, 2);
      const snoop = 'export default () => typeof globalThis.count;';
      assert.equal((await runJob(snoop)).outcome.output, 'undefined');
    },
  );

  test(
    'output that is not JSON comes back as an error naming why',
    bounded,
    async () => {
      const { outcome } = await runJob('export default () => ({ big: 10n });');
      assert.equal(outcome.error?.kind, 'thrown');
      assert.match(
        outcome.error?.message ?? '',
        /^task output is not JSON-serialisable: .*BigInt/,
      );
    },
  );

  test(
    'a sandbox that cannot start reports the task as crashed instead of hanging',
    bounded,
    async () => {
      const broken = await browser.newPage();
      await broken.goto(`${server.origin}/harness.html?worker=missing`);
      const { outcome } = await broken.evaluate(() =>
        (globalThis as unknown as HarnessGlobal).__tabgridHarness.run(
          'export default () => 1;',
          { timeoutMs: 600_000 },
        ),
      );
      await broken.close();
      assert.deepEqual(outcome.error, {
        message: 'sandbox worker crashed',
        kind: 'crashed',
      });
    },
  );

  test('the harness page raised no errors', bounded, () => {
    assert.deepEqual(pageErrors, []);
  });
});
