import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, api, until, waitForJob } from './helpers.ts';
import {
  freePort,
  killHard,
  readReplicas,
  readTasks,
  startCoordinator,
  type CoordinatorProcess,
} from './coordinator-process.ts';
import { RawVolunteer } from './raw-volunteer.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';

const echo = 'export default async (x) => x * 2;';

/** pino lines the process wrote, parsed. */
function logLines(p: CoordinatorProcess): { level: number; msg: string }[] {
  return p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

test('SIGTERM closes with 1001, commits the queue; volunteers come back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tabgrid-sigterm-'));
  const db = join(dir, 'tabgrid.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A commit tick longer than the test: whatever is on disk after the stop
  // got there through the flush on SIGTERM.
  let coordinator = await startCoordinator(
    db,
    port,
    ['--commit-interval-ms', '600000'],
    'info',
  );
  t.after(async () => {
    await killHard(coordinator);
    rmSync(dir, { recursive: true, force: true });
  });
  const client = api(url, ADMIN_KEY);
  const raw = await RawVolunteer.join(url, 1);
  const created = await client.post('/api/jobs', {
    name: 'flushed on stop',
    code: echo,
    inputs: [1, 2],
    quorum: 1,
  });
  const jobId = created.body.id as string;
  const { leases } = await raw.next('assign');
  assert.equal(leases.length, 2, 'one slot with prefetch 2 holds both tasks');

  const node = startNodeVolunteer({
    url,
    slots: 1,
    reconnect: { initialMs: 50, maxMs: 200 },
  });
  t.after(() => node.stop());
  let welcomes = 0;
  node.client.on('welcome', () => welcomes++);
  await until(() => welcomes === 1 || undefined, 'the Node volunteer to join');

  for (const lease of leases)
    raw.send({
      type: 'result',
      leaseId: lease.leaseId,
      output: (lease.input as number) * 2,
      elapsedMs: 1,
    });
  // Frames are handled in order: this answer means both results are in.
  raw.send({ type: 'progress', leaseId: 999_999, fraction: 0.5 });
  assert.equal((await raw.next('error')).code, 'LEASE_UNKNOWN');
  assert.deepEqual(readTasks(db, jobId).get(0)?.state, 'pending');

  coordinator.child.kill('SIGTERM');
  const closed = await raw.whenClosed();
  assert.deepEqual(closed, { code: 1001, reason: 'coordinator going away' });
  assert.equal(await coordinator.exited, 0, 'a clean exit');
  assert.ok(
    raw.log.every((m) => m.type !== 'ack'),
    'nothing was acked before the commit',
  );

  const tasks = readTasks(db, jobId);
  assert.deepEqual(
    [...tasks.values()].map((r) => [r.state, r.output]),
    [
      ['settled', '2'],
      ['settled', '4'],
    ],
  );
  const returned = readReplicas(db, jobId).filter(
    (r) => r.state === 'returned',
  );
  assert.equal(returned.length, 2, 'both results were committed on stop');
  const messages = logLines(coordinator).map((l) => l.msg);
  assert.ok(messages.includes('tabgrid listening'), messages.join(' | '));
  assert.ok(
    messages.some((m) => m.startsWith('stopping')),
    'a stop line',
  );

  coordinator = await startCoordinator(db, port);
  await until(() => welcomes >= 2 || undefined, 'the volunteer to come back');
  const after = await client.post('/api/jobs', {
    name: 'after the restart',
    code: echo,
    inputs: [5, 6, 7],
    quorum: 1,
  });
  const job = await waitForJob(client, after.body.id);
  assert.equal(job.state, 'done', 'the returning volunteer ran it');
  raw.close();
});
