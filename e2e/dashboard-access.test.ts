/**
 * Who sees what on the dashboard, in real Chromium against a real
 * coordinator: one requester never sees another's job, and a key the admin
 * creates works until the admin revokes it. Each person is a browser context.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ADMIN_KEY, api } from '../server/test/helpers.ts';
import { waitForText } from './dashboard/pages.ts';
import { BOUNDED, dashboardSuite } from './dashboard/setup.ts';

describe('keys and jobs kept apart on the dashboard', () => {
  const setup = dashboardSuite();

  test(
    "a second requester does not see the first one's job",
    BOUNDED,
    async () => {
      const created = await api(setup.server.url, setup.keys.alice).post(
        '/api/jobs',
        {
          name: 'alice only',
          code: 'export default (n) => n;',
          inputs: [1],
        },
      );
      assert.equal(created.status, 201);
      const id: string = created.body.id;
      const row = (page: Page) =>
        page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);

      const alice = await setup.dashboards.signedIn(setup.keys.alice);
      await row(alice.page).waitFor();
      const bob = await setup.dashboards.signedIn(
        setup.keys.bob,
        '/dashboard',
        {
          expectStatuses: [404],
        },
      );
      await bob.page.getByTestId('jobs-empty').waitFor();
      assert.equal(await row(bob.page).count(), 0);

      await bob.page.goto(`${setup.server.url}/dashboard/jobs/${id}`);
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
    BOUNDED,
    async () => {
      const admin = await setup.dashboards.signedIn(
        ADMIN_KEY,
        '/dashboard/keys',
      );
      await admin.page.getByTestId('key-name-input').fill('carol');
      await admin.page.getByTestId('create-key-button').click();
      const secret =
        (await admin.page.getByTestId('new-key-secret').textContent()) ?? '';
      assert.match(secret, /^tg_/);

      const carol = await setup.dashboards.signedIn(secret, '/dashboard', {
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
      const after = await api(setup.server.url, secret).get('/api/whoami');
      assert.equal(after.status, 401);
      await Promise.all([admin.close(), carol.close()]);
    },
  );

  test('the pages raised no errors and logged no console errors', () => {
    assert.deepEqual(setup.dashboards.problems, []);
  });
});
