/**
 * The real `tabgrid` binary, run as a child process against a real
 * coordinator with two Node volunteers.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ADMIN_KEY, startServer } from '../test/helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';

const BIN = fileURLToPath(new URL('../../bin/tabgrid.mjs', import.meta.url));
/** A bound on one CLI run, so a hang fails the test instead of stalling it. */
const RUN_BOUND_MS = 60_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function fleet(t: TestContext, volunteers = 2) {
  const server = await startServer();
  const started = Array.from({ length: volunteers }, () =>
    startNodeVolunteer({ url: server.url, slots: 2 }),
  );
  t.after(async () => {
    await Promise.all(started.map((v) => v.stop()));
    await server.close();
  });
  const tabgrid = (
    args: string[],
    options: { stdin?: string; key?: string } = {},
  ) =>
    runBinary(
      args,
      {
        TABGRID_URL: server.url,
        TABGRID_KEY: options.key ?? ADMIN_KEY,
      },
      options.stdin,
    );
  /** Writes a file into the server's temporary folder and returns its path. */
  const file = (name: string, text: string) => {
    const path = join(server.dir, name);
    writeFileSync(path, text);
    return path;
  };
  return { server, tabgrid, file };
}

function runBinary(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: RUN_BOUND_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const noStackTrace = (text: string) =>
  assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');

test('run pipes stdin inputs to stdout outputs, in order, as run locally', async (t) => {
  const { tabgrid, file } = await fleet(t);
  const jobPath = file(
    'words.mjs',
    'export default async (o) => ({ word: o.word.toUpperCase(), length: o.word.length });',
  );
  const inputs = Array.from({ length: 60 }, (_, i) => ({
    word: `w${i}`.repeat((i % 4) + 1),
  }));
  const ran = await tabgrid(['run', jobPath], {
    stdin: inputs.map((x) => JSON.stringify(x)).join('\n') + '\n',
  });
  assert.equal(ran.code, 0, ran.stderr);
  const local = (await import(pathToFileURL(jobPath).href)).default;
  const expected = await Promise.all(inputs.map((x) => local(x)));
  assert.deepEqual(
    lines(ran.stdout).map((l) => JSON.parse(l)),
    expected,
  );
  assert.doesNotMatch(
    ran.stderr,
    /\[#*-*\]/,
    'no progress bar when stderr is a pipe',
  );
});

test('a job throwing for some inputs exits non-zero naming the failed tasks', async (t) => {
  const { tabgrid, file } = await fleet(t);
  const jobPath = file(
    'picky.mjs',
    "export default (n) => { if (n % 5 === 2) throw new Error('no twos: ' + n); return n * 10; };",
  );
  const ran = await tabgrid(['run', jobPath], {
    stdin: Array.from({ length: 15 }, (_, i) => String(i)).join('\n'),
  });
  assert.equal(ran.code, 3);
  assert.match(ran.stderr, /3 of 15 tasks have no output: 2, 7, 12\n/);
  assert.match(ran.stderr, /task 7 errored: no twos: 7/);
  const outputs = lines(ran.stdout).map((l) => JSON.parse(l));
  assert.deepEqual(
    outputs,
    Array.from({ length: 15 }, (_, i) => (i % 5 === 2 ? null : i * 10)),
    'line N is the output of input N, null where there is none',
  );
  noStackTrace(ran.stderr);
});

test('a wrong key prints the server message with UNAUTHORIZED and no stack trace', async (t) => {
  const { tabgrid, file } = await fleet(t, 0);
  const jobPath = file('id.mjs', 'export default (n) => n;');
  const ran = await tabgrid(['run', jobPath], {
    stdin: '1\n',
    key: 'tg_wrong',
  });
  assert.equal(ran.code, 1);
  assert.equal(ran.stderr, 'tabgrid: unknown API key (UNAUTHORIZED)\n');
  assert.equal(ran.stdout, '');
  noStackTrace(ran.stderr);
});

test('keys create makes a key that works, and keys revoke stops it', async (t) => {
  const { tabgrid } = await fleet(t, 0);
  const created = await tabgrid(['keys', 'create', 'carol']);
  assert.equal(created.code, 0, created.stderr);
  const key = created.stdout.trim();
  assert.match(key, /^tg_\S+$/, 'the secret alone on stdout');
  const asCarol = await tabgrid(['jobs'], { key });
  assert.equal(asCarol.code, 0, asCarol.stderr);
  const listed = await tabgrid(['keys', 'list', '--json']);
  const carol = JSON.parse(listed.stdout).find(
    (k: { name: string }) => k.name === 'carol',
  );
  const revoked = await tabgrid(['keys', 'revoke', carol.id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  const after = await tabgrid(['jobs'], { key });
  assert.equal(after.code, 1);
  assert.equal(
    after.stderr,
    'tabgrid: this API key was revoked (UNAUTHORIZED)\n',
  );
});

test('submit --range --wait prints the job id; status and results read back', async (t) => {
  const { tabgrid, file } = await fleet(t);
  const jobPath = file(
    'sum.mjs',
    'export default ({ start, end }) => { let s = 0; for (let i = start; i < end; i++) s += i; ' +
      'return s; };',
  );
  const submitted = await tabgrid([
    'submit',
    jobPath,
    '--range',
    '0:50:10',
    '--wait',
    '--quorum',
    '2',
  ]);
  assert.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  assert.match(id, /^j_\w+$/);
  const status = await tabgrid(['status', id, '--json']);
  assert.equal(JSON.parse(status.stdout).state, 'done');
  const results = await tabgrid(['results', id]);
  assert.deepEqual(
    lines(results.stdout).map((l) => JSON.parse(l)),
    [45, 145, 245, 345, 445].map((output, index) => ({ index, output })),
  );
  const csv = await tabgrid(['results', id, '--csv']);
  assert.equal(lines(csv.stdout)[0], 'index,status,output,error');
  assert.equal(lines(csv.stdout)[1], '0,ok,45,');
});

test('a field the server refuses is named with its flag, and bad usage exits 2', async (t) => {
  const { tabgrid, file } = await fleet(t, 0);
  const jobPath = file('id.mjs', 'export default (n) => n;');
  const refused = await tabgrid(['run', jobPath, '--quorum', '0'], {
    stdin: '1\n',
  });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^tabgrid: quorum: .+ \(BAD_REQUEST\)\ntabgrid: check --quorum\n$/,
  );
  const usage = await tabgrid(['run', jobPath, '--quorum', 'two'], {
    stdin: '1\n',
  });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--quorum must be a whole number, got 'two'/);
  assert.match(usage.stderr, /see 'tabgrid run --help'/);
  const unknown = await tabgrid(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
});

test('help lists every command and each command has its own', async (t) => {
  const { tabgrid } = await fleet(t, 0);
  const help = await tabgrid(['--help']);
  assert.equal(help.code, 0);
  for (const command of [
    'run',
    'submit',
    'status',
    'results',
    'cancel',
    'keys',
  ])
    assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  const runHelp = await tabgrid(['run', '--help']);
  assert.equal(runHelp.code, 0);
  assert.match(runHelp.stdout, /^usage: tabgrid run JOB\.mjs/);
  assert.match(runHelp.stdout, /--max-replicas N/);
});

test('run prints the reduced value of a job with a reduce export', async (t) => {
  const { tabgrid, file } = await fleet(t);
  const jobPath = file(
    'sum.mjs',
    'export default async (n) => n * 2;\nexport async function reduce(xs) { return xs.reduce((a, ' +
      'b) => a + b, 0); }',
  );
  const inputs = Array.from({ length: 30 }, (_, i) => i);
  const ran = await tabgrid(['run', jobPath], {
    stdin: inputs.join('\n') + '\n',
  });
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(
    lines(ran.stdout).length,
    30,
    'stdout keeps one output per input',
  );
  assert.match(ran.stderr, /reduced: 870\n/);
});
