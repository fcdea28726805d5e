/**
 * The new job form, in real Chromium against a real coordinator: each field
 * the server refuses shows the server's own message beside it, and the
 * defaults the form shows are those the server applies.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSpec } from '../shared/spec.ts';
import { api } from '../server/test/helpers.ts';
import { SPEC_DEFAULTS } from '../web/src/dashboard/spec-defaults.ts';
import { waitForText } from './dashboard/pages.ts';
import { BOUNDED, dashboardSuite } from './dashboard/setup.ts';

describe('the new job form on the dashboard', () => {
  const setup = dashboardSuite();

  test(
    "a bad field shows the server's message beside it",
    BOUNDED,
    async () => {
      const alice = api(setup.server.url, setup.keys.alice);
      const { page, close } = await setup.dashboards.signedIn(
        setup.keys.alice,
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
        .setInputFiles(setup.files.write('broken.jsonl', lines));
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
    assert.deepEqual(setup.dashboards.problems, []);
  });
});
