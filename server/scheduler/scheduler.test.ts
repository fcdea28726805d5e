import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from './scheduler.ts';
import { job, MemorySource, output, setup } from './test-kit.ts';

test('tasks are dispatched in P = W/T order, highest first', () => {
  const { source, scheduler } = setup();
  source.add('j', [0.5, 2, 1, 4, 0.25]);
  scheduler.addJob(job('j'));
  scheduler.connect('v', 5);
  const order = scheduler.fill('v').map((l) => l.taskIndex);
  assert.deepEqual(order, [3, 1, 2, 0, 4]);
});

test('across jobs of one owner the job with the higher head priority is served first', () => {
  const { source, scheduler } = setup();
  source.add('slow', [1, 1]);
  source.add('fast', [10, 10]);
  scheduler.addJob(job('slow'));
  scheduler.addJob(job('fast'));
  scheduler.connect('v', 3);
  assert.deepEqual(
    scheduler.fill('v').map((l) => l.jobId),
    ['fast', 'fast', 'slow'],
  );
});

test('ageing lets a low-priority job through once it has waited long enough', () => {
  let now = 0;
  const { source, scheduler } = setup({ now: () => now });
  source.add('low', [1]);
  source.add('high', Array(100).fill(8));
  scheduler.addJob(job('low'));
  scheduler.addJob(job('high'));
  scheduler.connect('v', 1);
  const served: string[] = [];
  for (let i = 0; i < 60; i++) {
    now += 1000;
    const [lease] = scheduler.fill('v');
    served.push(lease!.jobId);
    scheduler.result('v', lease!.id, output(1));
  }
  // 8x the priority is overcome after 3 half-lives (30 s) of waiting.
  const first = served.indexOf('low');
  assert.ok(first > 0 && first <= 35, `low served at ${first}`);
});

test('owners share volunteers fairly whatever their jobs weigh', () => {
  const { source, scheduler } = setup();
  source.add('a', Array(50).fill(100));
  source.add('b', Array(50).fill(1));
  scheduler.addJob(job('a', { owner: 'alice' }));
  scheduler.addJob(job('b', { owner: 'bob' }));
  scheduler.connect('v', 20);
  const leases = scheduler.fill('v');
  const alice = leases.filter((l) => l.jobId === 'a').length;
  assert.equal(alice, 10);
});

test('a volunteer holds at most slots x prefetch leases and never two replicas of one task', () => {
  const { source, scheduler } = setup({ prefetch: 2 });
  source.add('j', [1, 1, 1]);
  scheduler.addJob(job('j', { redundancy: 3, quorum: 3 }));
  scheduler.connect('v', 4);
  const leases = scheduler.fill('v');
  assert.equal(leases.length, 3, 'three tasks, one replica each');
  assert.equal(new Set(leases.map((l) => l.taskIndex)).size, 3);
  scheduler.connect('w', 1);
  assert.equal(scheduler.fill('w').length, 2, 'one slot, prefetch two');
});

test('a lost lease puts its replica back for another volunteer', () => {
  const { source, scheduler } = setup();
  source.add('j', [1]);
  scheduler.addJob(job('j'));
  scheduler.connect('a', 1);
  scheduler.connect('b', 1);
  const [lease] = scheduler.fill('a');
  assert.equal(scheduler.fill('b').length, 0);
  const ended: string[] = [];
  scheduler.on('lease:ended', (e) => ended.push(e.end));
  scheduler.disconnect('a');
  assert.deepEqual(ended, ['lost']);
  const [again] = scheduler.fill('b');
  assert.equal(again?.taskIndex, lease?.taskIndex);
});

test('a lease past its deadline expires and is re-issued', () => {
  let now = 0;
  const { source, scheduler } = setup({ now: () => now });
  source.add('j', [1]);
  scheduler.addJob(job('j', { timeoutMs: 1000 }));
  scheduler.connect('a', 1);
  scheduler.connect('b', 1);
  const [lease] = scheduler.fill('a');
  now = lease!.deadline - 1;
  assert.equal(scheduler.expire().length, 0);
  now = lease!.deadline;
  assert.equal(scheduler.expire().length, 1);
  assert.equal(
    scheduler.result('a', lease!.id, output(1)),
    false,
    'a late result counts for nothing',
  );
  assert.equal(scheduler.fill('b').length, 1);
});

test('at the tail an idle volunteer backs up a lease once due, told when', () => {
  let now = 0;
  const { source, scheduler } = setup({ now: () => now });
  source.add('j', [1]);
  scheduler.addJob(job('j', { timeoutMs: 60_000 }));
  scheduler.connect('slow', 1);
  scheduler.connect('idle', 1);
  const [lease] = scheduler.fill('slow');
  assert.equal(scheduler.fill('idle').length, 0, 'too young to back up');
  now = 999;
  assert.equal(scheduler.takeBackupDue(), false);
  now = 1000;
  assert.equal(scheduler.takeBackupDue(), true, 'due at the minimum age');
  assert.equal(scheduler.takeBackupDue(), false, 'asking resets it');
  const [backup] = scheduler.fill('idle');
  assert.equal(backup?.taskIndex, lease?.taskIndex);
  const ended: string[] = [];
  scheduler.on('lease:ended', (e) => ended.push(e.end));
  assert.ok(scheduler.result('idle', backup!.id, output(7)));
  assert.deepEqual(ended, ['cancelled'], "the slow volunteer's lease ends");
});

test('progress extends a lease past its first deadline', () => {
  let now = 0;
  const { source, scheduler } = setup({ now: () => now });
  source.add('j', [1]);
  scheduler.addJob(job('j', { timeoutMs: 1000 }));
  scheduler.connect('a', 1);
  const [lease] = scheduler.fill('a');
  const first = lease!.deadline;
  now = first - 10;
  assert.ok(scheduler.progress('a', lease!.id));
  now = first + 10;
  assert.equal(scheduler.expire().length, 0);
});

test('a disconnect holds only started leases for the grace; the rest go back', () => {
  let now = 0;
  const source = new MemorySource();
  source.add('j', [1, 1]);
  const scheduler = new Scheduler({
    source,
    clock: () => now,
    prefetch: 2,
    checkRate: () => 0,
    reconnectGraceMs: 5000,
  });
  scheduler.addJob(job('j'));
  scheduler.connect('tab', 1);
  const [started, queued] = scheduler.fill('tab');
  scheduler.progress('tab', started!.id);
  const ended: number[] = [];
  scheduler.on('lease:ended', (e) => ended.push(e.lease.id));
  scheduler.disconnect('tab');
  assert.deepEqual(ended, [queued!.id], 'the queued lease is requeued at once');
  now = 4000;
  assert.deepEqual(
    scheduler.connect('tab', 1).map((l) => l.id),
    [started!.id],
    'back in time: the same lease',
  );
  scheduler.disconnect('tab');
  now = 9500;
  scheduler.expire();
  assert.deepEqual(ended, [queued!.id, started!.id], 'gone too long: lost');
});
