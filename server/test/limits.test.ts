/**
 * The documented limits and settings match the code, and the limits that
 * other files do not test are enforced here (docs/limits.md names which
 * test covers each).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ADMIN_KEY,
  api,
  parseLines,
  startServer,
  waitForJob,
} from './helpers.ts';
import { RawVolunteer } from './raw-volunteer.ts';
import { DEFAULT_LIMITS } from '../../shared/limits.ts';
import { ERRORS } from '../../shared/errors.ts';
import { SETTINGS, loadConfig } from '../config.ts';

/** The rows of the first markdown table after `heading`, as cells without backticks. */
function tableAfter(path: string, heading: string): string[][] {
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(heading);
  assert.ok(from >= 0, `${path} has ${heading}`);
  const rows: string[][] = [];
  for (const line of text.slice(from).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/`/g, '')),
    );
  }
  return rows.slice(1); // the rule under the header
}

const UNITS: Record<string, number> = {
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** "1 MiB", "10,000,000", "generated once" → the value SETTINGS holds. */
function documentedDefault(cell: string): string | number | undefined {
  const sized = /^([\d.]+) (KiB|MiB|GiB)$/.exec(cell);
  if (sized) return Number(sized[1]) * UNITS[sized[2]!]!;
  if (/^[\d,]+(\.\d+)?$/.test(cell)) return Number(cell.replace(/,/g, ''));
  if (cell === 'generated once') return undefined;
  return cell;
}

test('docs/limits.md lists every limit with its flag, variable, default and error code', () => {
  const rows = tableAfter('docs/limits.md', '| limit |');
  assert.deepEqual(
    rows.map((r) => r[0]).sort(),
    Object.keys(DEFAULT_LIMITS).sort(),
  );
  const codes = new Set<string>();
  for (const [name, flag, env, value, over] of rows) {
    const setting = SETTINGS[name!]!;
    assert.equal(flag, `--${setting.flag}`, name);
    assert.equal(env, setting.env, name);
    assert.equal(
      documentedDefault(value!),
      DEFAULT_LIMITS[name as keyof typeof DEFAULT_LIMITS],
      name,
    );
    const named = over!.match(/[A-Z][A-Z_]{3,}/g) ?? [];
    assert.ok(named.length > 0, `${name} names its error code`);
    for (const code of named) {
      assert.ok(code in ERRORS, `${code} (${name}) is in shared/errors.ts`);
      codes.add(code);
    }
  }
  const limitCodes = Object.keys(ERRORS).filter((c) =>
    /TOO_LARGE|TOO_MANY|FLOOD|RATE_LIMITED/.test(c),
  );
  assert.deepEqual(
    [...codes].sort(),
    limitCodes.sort(),
    'every limit code is documented',
  );
});

test('the README configuration table lists every setting with its variable and default', () => {
  const rows = tableAfter(
    'README.md',
    '| flag | variable | default | meaning |',
  );
  const documented = new Map(rows.map((r) => [r[0], r]));
  for (const setting of Object.values(SETTINGS)) {
    const row = documented.get(`--${setting.flag}`);
    assert.ok(row, `README documents --${setting.flag}`);
    assert.equal(row[1], setting.env, setting.flag);
    assert.equal(documentedDefault(row[2]!), setting.default, setting.flag);
  }
  assert.equal(
    rows.length,
    Object.keys(SETTINGS).length,
    'no flag the code lacks',
  );
});

test('a result over maxResultBytes is RESULT_TOO_LARGE and settles as an error', async (t) => {
  const server = await startServer({ argv: ['--max-result-bytes', '100'] });
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'big results',
    code: 'export default async (x) => x;',
    inputs: [1],
    quorum: 1,
  });
  const v = await RawVolunteer.join(server.url);
  const [lease] = (await v.next('assign')).leases;
  v.send({
    type: 'result',
    leaseId: lease!.leaseId,
    output: 'x'.repeat(100),
    elapsedMs: 1,
  });
  const error = await v.next('error');
  assert.equal(error.code, 'RESULT_TOO_LARGE');
  assert.equal(error.leaseId, lease!.leaseId);
  assert.deepEqual((await v.next('ack')).leaseIds, [lease!.leaseId]);
  assert.equal(v.closed, null, 'the socket stays open');
  await waitForJob(client, created.body.id);
  const [line] = parseLines(
    (await client.get(`/api/jobs/${created.body.id}/results`)).text,
  );
  assert.match(line.error.message, /over the 100-byte limit/);
  v.close();
});

test('requests over maxRequestsPerSecond are 429s for that key, logged once', async (t) => {
  const lines: { level: number; limit?: string }[] = [];
  const server = await startServer({
    argv: ['--max-requests-per-second', '5'],
    logger: {
      level: 'warn',
      stream: { write: (l: string) => void lines.push(JSON.parse(l)) },
    },
  });
  t.after(() => server.close());
  const admin = api(server.url, ADMIN_KEY);
  const other = api(
    server.url,
    (await admin.post('/api/keys', { name: 'calm' })).body.key,
  );
  // The bucket holds a burst of 4 × 5: forty at once must overflow it.
  const statuses = await Promise.all(
    Array.from({ length: 40 }, () => admin.get('/api/whoami')),
  );
  const refused = statuses.filter((r) => r.status === 429);
  assert.ok(refused.length >= 10, `${refused.length} of 40 refused`);
  assert.ok(refused.every((r) => r.body.code === 'RATE_LIMITED'));
  assert.equal(
    (await other.get('/api/whoami')).status,
    200,
    'another key is served',
  );
  const logged = lines.filter((l) => l.limit === 'maxRequestsPerSecond');
  assert.ok(
    logged.length >= 1 && logged.length < refused.length,
    `${logged.length} lines`,
  );
});

test('a frame allowance too small for a results frame is refused at start', () => {
  assert.throws(
    () => loadConfig(['--max-frames-per-second', '10'], {}),
    /--max-frames-per-second \(TABGRID_MAX_FRAMES_PER_SECOND\) must be at least 20, got 10/,
  );
  assert.equal(
    loadConfig(['--max-frames-per-second', '20'], {}).limits.maxFramesPerSecond,
    20,
  );
});

test('a spot-check share outside 0..1 is refused at start', () => {
  assert.throws(
    () => loadConfig(['--max-check-rate', '1.5'], {}),
    /--max-check-rate \(TABGRID_MAX_CHECK_RATE\) must be between 0 and 1, got 1.5/,
  );
  assert.equal(loadConfig([], { TABGRID_MAX_CHECK_RATE: '0' }).maxCheckRate, 0);
  assert.equal(loadConfig([], {}).maxCheckRate, 0.3);
});
