/**
 * A requester's job on the dashboard, in real Chromium against a real
 * coordinator with Node volunteers: submitted from files, watched live as it
 * runs, its replicas and volunteers looked at, its results downloaded and
 * compared with a local run; and a running job seen part done, then
 * cancelled.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseLines } from '../server/test/helpers.ts';
import { DESCRIBE_CODE, heldRangeCode, runLocally } from './dashboard/files.ts';
import {
  downloadText,
  recordTexts,
  waitForState,
  waitForText,
  waitForValue,
} from './dashboard/pages.ts';
import { BOUNDED, dashboardSuite } from './dashboard/setup.ts';

const SCREENSHOT = 'test-results/dashboard-running.png';

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

describe('a job on the dashboard, watched, downloaded and cancelled', () => {
  const setup = dashboardSuite();

  test(
    'upload code and JSON Lines, watch it live, download results as run locally',
    BOUNDED,
    async () => {
      const inputs = Array.from({ length: 60 }, (_, n) => ({ n }));
      const codePath = setup.files.write('describe.mjs', DESCRIBE_CODE);
      const inputsPath = setup.files.jsonLines('numbers.jsonl', inputs);
      const { page, close } = await setup.dashboards.signedIn(
        setup.keys.alice,
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

      setup.startFleet();
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
      await online.nth(setup.fleet.length - 1).waitFor();
      assert.equal(await online.count(), setup.fleet.length);
      // Credibility is 1 - f / (k + 1): near 1 after 60 agreeing results, never 1.
      const credibility = await online
        .getByTestId('volunteer-credibility')
        .allTextContents();
      assert.equal(credibility.length, setup.fleet.length);
      for (const text of credibility) {
        assert.ok(parseFloat(text) >= 95, `credibility ${text}`);
      }
      await page.screenshot({ path: 'test-results/dashboard-volunteers.png' });
      await close();
    },
  );

  test(
    'a running job shows its partial progress and volunteers, and Cancel stops it',
    BOUNDED,
    async () => {
      // Started by the first test already, unless this one runs alone.
      setup.startFleet();
      const { page, close } = await setup.dashboards.signedIn(
        setup.keys.alice,
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
        setup.fleet.length,
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

  test('the pages raised no errors and logged no console errors', () => {
    assert.deepEqual(setup.dashboards.problems, []);
  });
});
