/**
 * The requester dashboard in real Chromium against a real coordinator (a
 * temporary SQLite file, a loopback port) serving the built app
 * (`npm run build:web` first), with two Node volunteers as the fleet.
 * Requesters sign in with keys the admin made; each is a browser context.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseSpec } from '../shared/spec.ts';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  type TestServer,
} from '../server/test/helpers.ts';
import {
  startNodeVolunteer,
  type NodeVolunteer,
} from '../server/volunteer/node-volunteer.ts';
import { SPEC_DEFAULTS } from '../web/src/dashboard/spec-defaults.ts';
import { launchChromium } from './chromium.ts';
import {
  DESCRIBE_CODE,
  Files,
  heldRangeCode,
  runLocally,
} from './dashboard/files.ts';
import {
  Dashboards,
  downloadText,
  recordTexts,
  waitForState,
  waitForText,
  waitForValue,
} from './dashboard/pages.ts';

const bounded = { timeout: 60_000 };
const SCREENSHOT = 'test-results/dashboard-running.png';

let server: TestServer;
let browser: Browser;
let dashboards: Dashboards;
let files: Files;
const fleet: NodeVolunteer[] = [];
const keys = { alice: '', bob: '' };

async function requesterKey(name: string): Promise<string> {
  const res = await api(server.url, ADMIN_KEY).post('/api/keys', { name });
  assert.equal(res.status, 201, res.text);
  return res.body.key;
}

function startFleet(): void {
  for (let i = 0; i < 2; i++)
    fleet.push(startNodeVolunteer({ url: server.url, slots: 2 }));
}

/** The page's job id, once the job page has opened after a submit. */
async function openedJobId(page: Page): Promise<string> {
  const id = await page.getByTestId('job-page').getAttribute('data-job-id');
  assert.ok(id);
  return id;
}

/** A results CSV row whose output cell is quoted JSON and whose error cell is empty. */
function csvRow(line: string) {
  const match = /^(\d+),(\w+),"(.*)",$/.exec(line);
  assert.ok(match, `unexpected CSV row ${line}`);
  const [, index, status, output] = match;
  return {
    index: Number(index),
    status,
    output: JSON.parse(output!.replace(/""/g, '"')) as unknown,
  };
}

describe('requester dashboard against a real coordinator', () => {
  before(async () => {
    if (!existsSync('web/dist/dashboard.html'))
      throw new Error('web/dist is missing: run `npm run build:web` first');
    mkdirSync('test-results', { recursive: true });
    server = await startServer();
    browser = await launchChromium();
    dashboards = new Dashboards(browser, server.url);
    files = new Files();
    keys.alice = await requesterKey('alice');
    keys.bob = await requesterKey('bob');
  });

  after(async () => {
    await Promise.all(fleet.map((v) => v.stop()));
    await browser?.close();
    await server?.close();
    files?.remove();
  });

  test(
    'upload code and JSON Lines, watch it live, download results as run locally',
    bounded,
    async () => {
      const inputs = Array.from({ length: 60 }, (_, n) => ({ n }));
      const codePath = files.write('describe.mjs', DESCRIBE_CODE);
      const inputsPath = files.jsonLines('numbers.jsonl', inputs);
      const { page, close } = await dashboards.signedIn(
        keys.alice,
        '/dashboard/new',
      );

      await page.getByTestId('code-file-input').setInputFiles(codePath);
      // The file is read into the editor, and its name becomes the job's.
      await waitForValue(page, 'code-input', DESCRIBE_CODE);
      await waitForValue(page, 'input-name', 'describe');
      await page.getByTestId('inputs-mode-file').check();
      await page.getByTestId('inputs-file-input').setInputFiles(inputsPath);
      await page.getByTestId('submit-job-button').click();

      // No volunteer is connected yet: the page shows the job waiting, all 60 tasks pending.
      await waitForText(page, 'count-pending', '60');
      const jobId = await openedJobId(page);
      assert.equal(await page.getByTestId('count-settled').textContent(), '0');
      const settledTexts = await recordTexts(page, 'count-settled');

      startFleet();
      await waitForState(page, 'job-state', 'done');
      await waitForText(page, 'count-settled', '60');
      await waitForState(page, 'live-state', 'ended');
      const seen = await settledTexts();
      const counts = seen.map(Number);
      assert.equal(
        counts.at(-1),
        60,
        `settled counts seen: ${seen.join(', ')}`,
      );
      assert.deepEqual(
        counts,
        [...counts].sort((a, b) => a - b),
        'counts only grew',
      );
      assert.equal(
        await page.getByTestId('job-progress').getAttribute('aria-valuenow'),
        '60',
      );
      assert.equal(
        await page.getByTestId('throughput-chart').locator('canvas').count(),
        1,
      );

      await page.getByTestId('task-toggle').first().click();
      const replicas = page
        .getByTestId('replicas-table')
        .getByTestId('replica-row');
      await replicas.first().waitFor();
      assert.ok((await replicas.count()) >= 2);
      for (const verdict of await replicas.evaluateAll((rows) =>
        rows.map((r) => r.getAttribute('data-verdict')),
      ))
        assert.equal(verdict, 'agreed');

      const expected = await runLocally(codePath, inputs);
      const jsonl = await downloadText(page, 'download-jsonl');
      assert.match(jsonl.name, /\.jsonl$/);
      assert.deepEqual(
        parseLines(jsonl.text),
        expected.map((output, index) => ({ index, output })),
      );
      const csv = (await downloadText(page, 'download-csv')).text
        .trim()
        .split('\n');
      assert.equal(csv[0], 'index,status,output,error');
      assert.deepEqual(
        csv.slice(1).map(csvRow),
        expected.map((output, index) => ({ index, status: 'ok', output })),
      );

      await page.getByTestId('nav-jobs').click();
      const row = page.locator(
        `[data-testid="job-row"][data-job-id="${jobId}"]`,
      );
      assert.equal(await row.getAttribute('data-state'), 'done');
      assert.equal(
        await row.getByTestId('job-counts').textContent(),
        '60 / 0 / 60',
      );
      await page.screenshot({ path: 'test-results/dashboard-jobs.png' });

      // Both volunteers returned results that agreed with the quorum, every time,
      // so both are highly credible.
      await page.getByTestId('nav-volunteers').click();
      const online = page.locator(
        '[data-testid="volunteer-row"][data-status="online"]',
      );
      await online.nth(fleet.length - 1).waitFor();
      assert.equal(await online.count(), fleet.length);
      // Credibility is 1 - f / (k + 1): near 1 after 60 agreeing results, never 1.
      const credibility = await online
        .getByTestId('volunteer-credibility')
        .allTextContents();
      assert.equal(credibility.length, fleet.length);
      for (const text of credibility) {
        assert.ok(parseFloat(text) >= 95, `credibility ${text}`);
      }
      await page.screenshot({ path: 'test-results/dashboard-volunteers.png' });
      await close();
    },
  );

  test(
    "a bad field shows the server's message beside it",
    bounded,
    async () => {
      const alice = api(server.url, keys.alice);
      const { page, close } = await dashboards.signedIn(
        keys.alice,
        '/dashboard/new',
        {
          expectStatuses: [400],
        },
      );
      const base = {
        name: 'bad fields',
        code: 'export default (n) => n;',
        inputs: [1, 2],
      };
      await page.getByTestId('input-name').fill(base.name);
      await page.getByTestId('code-input').fill(base.code);
      await page.getByTestId('inputs-json-input').fill('[1, 2]');

      await page.getByTestId('input-quorum').fill('20');
      await page.getByTestId('submit-job-button').click();
      const quorum = await alice.post('/api/jobs', { ...base, quorum: 20 });
      assert.equal(quorum.body.field, 'quorum');
      await waitForText(page, 'error-quorum', quorum.body.message);

      const broken = 'export default (n) => {\n  return n +;\n};';
      await page.getByTestId('input-quorum').fill('');
      await page.getByTestId('code-input').fill(broken);
      await page.getByTestId('submit-job-button').click();
      const code = await alice.post('/api/jobs', { ...base, code: broken });
      assert.deepEqual([code.body.field, code.body.line], ['code', 2]);
      await waitForText(page, 'error-code', code.body.message);
      assert.equal(await page.getByTestId('error-quorum').count(), 0);
      assert.match(
        (await page.getByTestId('code-error-excerpt').textContent()) ?? '',
        /line 2, column \d+\n {2}return n \+;\n *\^/,
      );

      const lines = '{"n": 1}\n{"n": 2}\n{"n": 3,\n';
      await page.getByTestId('code-input').fill(base.code);
      await page.getByTestId('inputs-mode-file').check();
      await page
        .getByTestId('inputs-file-input')
        .setInputFiles(files.write('broken.jsonl', lines));
      await page.getByTestId('submit-job-button').click();
      const probe = await alice.post('/api/jobs', {
        ...base,
        inputs: undefined,
        upload: true,
      });
      const upload = await alice.post(
        `/api/jobs/${probe.body.id}/inputs`,
        lines,
        {
          'content-type': 'application/x-ndjson',
        },
      );
      assert.deepEqual([upload.body.field, upload.body.line], ['inputs', 3]);
      await waitForText(page, 'error-inputs', upload.body.message);
      await waitForText(
        page,
        'inputs-error-line',
        'At line 3 of broken.jsonl.',
      );
      await page.screenshot({
        path: 'test-results/dashboard-new-job-error.png',
        fullPage: true,
      });

      // The job made for the refused upload was cancelled, not left waiting for inputs.
      await alice.post(`/api/jobs/${probe.body.id}/cancel`);
      const { body } = await alice.get('/api/jobs');
      const waiting = body.jobs.filter(
        (j: { state: string }) => j.state === 'queued',
      );
      assert.deepEqual(waiting, []);
      await close();
    },
  );

  test(
    "a second requester does not see the first one's job",
    bounded,
    async () => {
      const created = await api(server.url, keys.alice).post('/api/jobs', {
        name: 'alice only',
        code: 'export default (n) => n;',
        inputs: [1],
      });
      assert.equal(created.status, 201);
      const id: string = created.body.id;
      const row = (page: Page) =>
        page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);

      const alice = await dashboards.signedIn(keys.alice);
      await row(alice.page).waitFor();
      const bob = await dashboards.signedIn(keys.bob, '/dashboard', {
        expectStatuses: [404],
      });
      await bob.page.getByTestId('jobs-empty').waitFor();
      assert.equal(await row(bob.page).count(), 0);

      await bob.page.goto(`${server.url}/dashboard/jobs/${id}`);
      await waitForText(bob.page, 'who-name', 'bob');
      await bob.page
        .getByTestId('job-error')
        .filter({ hasText: `no job ${id}` })
        .waitFor();
      await Promise.all([alice.close(), bob.close()]);
    },
  );

  test(
    'the admin creates a key that then works, and revokes it so it stops working',
    bounded,
    async () => {
      const admin = await dashboards.signedIn(ADMIN_KEY, '/dashboard/keys');
      await admin.page.getByTestId('key-name-input').fill('carol');
      await admin.page.getByTestId('create-key-button').click();
      const secret =
        (await admin.page.getByTestId('new-key-secret').textContent()) ?? '';
      assert.match(secret, /^tg_/);

      const carol = await dashboards.signedIn(secret, '/dashboard', {
        expectStatuses: [401],
      });
      await waitForText(carol.page, 'who-name', 'carol');
      await carol.page.getByTestId('jobs-empty').waitFor();

      const row = admin.page.locator(
        '[data-testid="key-row"][data-key-name="carol"]',
      );
      await row.getByTestId('revoke-button').click();
      await row.getByTestId('revoke-confirm').click();
      await row.and(admin.page.locator('[data-revoked="true"]')).waitFor();
      await admin.page.screenshot({ path: 'test-results/dashboard-keys.png' });

      await carol.page.getByTestId('nav-volunteers').click();
      await carol.page.getByTestId('sign-in-notice').waitFor();
      await carol.page.getByTestId('api-key-input').fill(secret);
      await carol.page.getByTestId('sign-in-button').click();
      await waitForText(
        carol.page,
        'sign-in-error',
        'this API key was revoked',
      );
      const after = await api(server.url, secret).get('/api/whoami');
      assert.equal(after.status, 401);
      await Promise.all([admin.close(), carol.close()]);
    },
  );

  test(
    'a running job shows its partial progress and volunteers, and Cancel stops it',
    bounded,
    async () => {
      const { page, close } = await dashboards.signedIn(
        keys.alice,
        '/dashboard/new',
      );
      await page.getByTestId('input-name').fill('held range');
      await page.getByTestId('code-input').fill(heldRangeCode(300));
      await page.getByTestId('inputs-mode-range').check();
      await page.getByTestId('input-range.start').fill('0');
      await page.getByTestId('input-range.end').fill('340');
      await waitForText(
        page,
        'range-summary',
        '340 tasks, each given { start, end } with end exclusive.',
      );
      // Held tasks must not time out and be re-issued while the page is looked at.
      await page.getByTestId('input-timeoutMs').fill('600000');
      await page.getByTestId('submit-job-button').click();

      await waitForText(page, 'count-settled', '300');
      await waitForState(page, 'job-state', 'running');
      await waitForText(page, 'count-pending', '40');
      assert.equal(
        await page.getByTestId('volunteer-now').count(),
        fleet.length,
      );
      await page
        .getByTestId('eta')
        .filter({ hasText: /^running for / })
        .waitFor();
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({
        path: 'test-results/dashboard-running-phone.png',
        fullPage: true,
      });
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.getByTestId('cancel-button').click();
      await page.getByTestId('cancel-confirm').click();
      await waitForState(page, 'job-state', 'cancelled');
      await waitForState(page, 'live-state', 'ended');
      assert.equal(
        await page.getByTestId('count-settled').textContent(),
        '300',
      );
      assert.equal(await page.getByTestId('volunteer-now').count(), 0);
      const results = parseLines(
        (await downloadText(page, 'download-jsonl')).text,
      );
      assert.deepEqual(
        results.map((r) => r.index),
        Array.from({ length: 300 }, (_, i) => i),
      );
      await close();
    },
  );

  test('the new job form shows the defaults the server applies', () => {
    const spec = parseSpec({
      name: 'x',
      code: 'export default 1',
      range: { start: 0, end: 9 },
    });
    assert.equal(spec.quorum, SPEC_DEFAULTS.quorum);
    assert.equal(spec.redundancy, spec.quorum);
    assert.equal(spec.maxReplicas, SPEC_DEFAULTS.maxReplicasAtLeast);
    assert.equal(spec.compare, SPEC_DEFAULTS.compare);
    assert.equal(spec.timeoutMs, SPEC_DEFAULTS.timeoutMs);
    assert.equal(spec.weight, SPEC_DEFAULTS.weight);
    assert.equal(spec.estimatedTaskMs, SPEC_DEFAULTS.estimatedTaskMs);
    assert.deepEqual(spec.source, {
      kind: 'range',
      start: 0,
      end: 9,
      step: SPEC_DEFAULTS.rangeStep,
    });
    const tolerant = parseSpec({
      name: 'x',
      code: 'export default 1',
      inputs: [1],
      compare: 'tolerance',
    });
    assert.deepEqual(tolerant.compare, {
      mode: 'tolerance',
      abs: SPEC_DEFAULTS.abs,
      rel: SPEC_DEFAULTS.rel,
    });
  });

  test('the pages raised no errors and logged no console errors', () => {
    assert.deepEqual(dashboards.problems, []);
  });
});
