import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from './scheduler.ts';
import { TaskTiming, softDeadline } from './timing.ts';
import type { JobInfo, TaskSource } from './types.ts';

const job: JobInfo = {
  id: 'j',
  owner: 'k1',
  redundancy: 1,
  quorum: 1,
  maxReplicas: 3,
  compare: 'exact',
  timeoutMs: 60_000,
  createdAt: 0,
  verification: 'quorum',
  targetErrorRate: 0.01,
  spotCheckRate: 0,
};

function source(tasks: number): TaskSource {
  return {
    loadPending: (jobId, after, limit) =>
      Array.from({ length: tasks }, (_, index) => ({
        jobId,
        index,
        inputJson: String(index),
        priority: 1,
        results: [],
      }))
        .filter((t) => after === null || t.index > after.index)
        .slice(0, limit),
  };
}

const output = (elapsedMs: number) => ({
  kind: 'output' as const,
  canonical: '1',
  hash: '1',
  elapsedMs,
  detail: null,
});

test('a soft deadline allows three runs per wait, twice the usual turnaround, and a second', () => {
  assert.equal(softDeadline(0, 100, 0, 1), 1000, 'at least a second');
  assert.equal(softDeadline(0, 1000, 0, 1), 3000);
  assert.equal(softDeadline(0, 1000, 4, 2), 9000, 'two leases wait ahead');
  assert.equal(softDeadline(0, 100, 0, 1, 2500), 5000, 'usual turnaround');
  assert.equal(
    softDeadline(0, 100, 0, 1, 2500, 3000),
    3000,
    'capped at the timeout',
  );
});

test('turnaround is a moving average per job and volunteer, forgotten with either', () => {
  const timing = new TaskTiming();
  assert.equal(timing.turnaroundMs('j', 'v'), null);
  timing.observeTurnaround('j', 'v', 1000);
  timing.observeTurnaround('j', 'v', 2000);
  assert.equal(timing.turnaroundMs('j', 'v'), 1200);
  assert.equal(
    timing.turnaroundMs('k', 'v'),
    null,
    'another job starts afresh',
  );
  timing.observeTurnaround('k', 'v', 10);
  timing.forgetVolunteer('v');
  assert.equal(timing.turnaroundMs('j', 'v'), null);
  timing.observeTurnaround('k', 'v', 10);
  timing.forgetJob('k');
  assert.equal(timing.turnaroundMs('k', 'v'), null);
});

test('a volunteer always late is not backed up for it; a silent lease is', () => {
  let now = 0;
  const scheduler = new Scheduler({
    source: source(100),
    clock: () => now,
    prefetch: 1,
    checkRate: () => 0,
  });
  scheduler.addJob(job);
  scheduler.connect('late', 1);
  const backups: number[] = [];
  scheduler.on('task:backup', (e) => backups.push(e.index));
  // Tasks run in 10 ms but each result arrives 1.5 s after its lease.
  for (let i = 0; i < 8; i++) {
    const [lease] = scheduler.fill('late');
    now += 1500;
    scheduler.expire();
    assert.ok(scheduler.result('late', lease!.id, output(10)));
  }
  assert.deepEqual(backups, [], 'late, but as late as it always is');
  const [silent] = scheduler.fill('late');
  now += 3500;
  scheduler.expire();
  assert.deepEqual(backups, [silent!.taskIndex]);
});
