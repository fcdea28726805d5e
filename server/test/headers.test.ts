import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { ADMIN_KEY, startServer } from './helpers.ts';

const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

test('pages carry a CSP and security headers; the sandbox forbids the network', async (t) => {
  if (!existsSync('web/dist/index.html'))
    return t.skip('web/dist is not built');
  const server = await startServer();
  t.after(() => server.close());
  for (const path of ['/', '/dashboard', '/dashboard/jobs/x']) {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200, path);
    for (const [name, value] of Object.entries(PAGE_HEADERS))
      assert.equal(res.headers.get(name), value, `${path} ${name}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const rule of [
      "default-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ])
      assert.ok(csp.includes(rule), `${path} CSP has ${rule}: ${csp}`);
    assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(\)/);
  }
  const worker = readdirSync('web/dist/sandbox').find((f) =>
    f.endsWith('.js'),
  )!;
  const sandbox = await fetch(`${server.url}/sandbox/${worker}`);
  assert.equal(sandbox.status, 200);
  const csp = sandbox.headers.get('content-security-policy') ?? '';
  assert.match(
    csp,
    /^default-src 'none'/,
    'no connect-src, so no fetch, WebSocket or import',
  );
  assert.doesNotMatch(csp, /connect-src/);
  assert.equal(sandbox.headers.get('x-content-type-options'), 'nosniff');
  const apiRes = await fetch(server.url + '/api/whoami', {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  assert.equal(apiRes.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(apiRes.headers.get('x-frame-options'), 'DENY');
  assert.match(apiRes.headers.get('content-type') ?? '', /^application\/json/);
});
