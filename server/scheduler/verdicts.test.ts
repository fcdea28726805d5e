import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from './scheduler.ts';
import { job, MemorySource, output, setup, trackEnds } from './test-kit.ts';

test('a settled task cancels its other leases and the job drains', () => {
  const { source, scheduler } = setup();
  source.add('j', [1]);
  scheduler.addJob(job('j', { redundancy: 3, quorum: 2 }));
  for (const v of ['a', 'b', 'c']) scheduler.connect(v, 1);
  const [la] = scheduler.fill('a');
  const [lb] = scheduler.fill('b');
  scheduler.fill('c');
  const events: string[] = [];
  scheduler.on('lease:ended', (e) => events.push(`ended:${e.end}`));
  scheduler.on('task:settled', () => events.push('settled'));
  scheduler.on('job:drained', () => events.push('drained'));
  scheduler.result('a', la!.id, output(7));
  scheduler.result('b', lb!.id, output(7));
  assert.deepEqual(events, ['ended:cancelled', 'settled', 'drained']);
});

test('a job of whole pages drains with its last result, not at some later fill', () => {
  const { source, scheduler } = setup({ pageSize: 2 });
  trackEnds(source, scheduler);
  source.add('j', [1, 1, 1, 1]);
  let drained = 0;
  scheduler.on('job:drained', () => drained++);
  scheduler.addJob(job('j'));
  scheduler.connect('v', 1);
  for (let i = 0; i < 4; i++) {
    const [lease] = scheduler.fill('v');
    assert.equal(lease?.taskIndex, i);
    scheduler.result('v', lease!.id, output(i));
  }
  assert.equal(drained, 1, 'drained once the fourth task settled');
});

test('a page whose first task settles from stored results still serves the rest', () => {
  const { source, scheduler } = setup({ pageSize: 4 });
  trackEnds(source, scheduler);
  source.add('j', [1, 1, 1]);
  // After a restart: task 0 already has the result it needs.
  source.tasks[0]!.results = [
    { ...output(0), replicaId: 1, volunteerId: 'old' },
  ];
  let drained = 0;
  scheduler.on('job:drained', () => drained++);
  scheduler.addJob(job('j'));
  assert.equal(drained, 0, 'tasks 1 and 2 are still to run');
  scheduler.connect('v', 2);
  const leases = scheduler.fill('v');
  assert.deepEqual(
    leases.map((l) => l.taskIndex),
    [1, 2],
  );
  for (const l of leases) scheduler.result('v', l.id, output(l.taskIndex));
  assert.equal(drained, 1);
});

test('replicas that disagree ask for more, up to maxReplicas, then the task fails', () => {
  const { source, scheduler } = setup();
  source.add('j', [1]);
  scheduler.addJob(job('j', { redundancy: 2, quorum: 2, maxReplicas: 3 }));
  const failed: number[] = [];
  scheduler.on('task:failed', (e) => failed.push(e.results.length));
  for (const [i, v] of ['a', 'b', 'c'].entries()) {
    scheduler.connect(v, 1);
    const [lease] = scheduler.fill(v);
    assert.ok(lease, `volunteer ${v} gets a replica`);
    scheduler.result(v, lease.id, output(i));
  }
  scheduler.connect('d', 1);
  assert.equal(scheduler.fill('d').length, 0, 'no fourth replica');
  assert.deepEqual(failed, [3]);
});

test('results recorded before a restart count toward the quorum', () => {
  const { source, scheduler } = setup();
  source.add('j', [1]);
  source.tasks[0]!.results.push({
    ...output(5),
    replicaId: 1,
    volunteerId: 'old',
  });
  scheduler.addJob(job('j', { redundancy: 2, quorum: 2 }));
  scheduler.connect('old', 1);
  assert.equal(
    scheduler.fill('old').length,
    0,
    'the same volunteer may not confirm itself',
  );
  scheduler.connect('new', 1);
  const [lease] = scheduler.fill('new');
  let settled = false;
  scheduler.on('task:settled', () => (settled = true));
  scheduler.result('new', lease!.id, output(5));
  assert.ok(settled);
});

test('adaptive: a credible volunteer settles a task alone, a spot-checked task needs two', () => {
  const source = new MemorySource();
  source.add('j', [1, 1]);
  const draws = [0.9, 0.05]; // task 0 is not spot-checked, task 1 is (rate 0.1)
  const scheduler = new Scheduler({
    source,
    clock: () => 0,
    prefetch: 1,
    checkRate: () => 0,
    credibility: (v) => (v === 'veteran' ? 0.995 : 0.8),
    random: () => draws.shift() ?? 0.5,
  });
  scheduler.addJob(
    job('j', { verification: 'adaptive', redundancy: 1, spotCheckRate: 0.1 }),
  );
  const settled: number[] = [];
  scheduler.on('task:settled', (e) => settled.push(e.index));
  scheduler.connect('veteran', 2);
  const leases = scheduler.fill('veteran');
  assert.equal(leases.length, 2, 'one replica of each task at first');
  for (const l of leases)
    scheduler.result('veteran', l.id, output(l.taskIndex));
  assert.deepEqual(settled, [0]);
  scheduler.connect('other', 1);
  const [second] = scheduler.fill('other');
  assert.equal(second?.taskIndex, 1);
  scheduler.result('other', second!.id, output(1));
  assert.deepEqual(settled, [0, 1]);
});

test('a check that disagrees with a settled output reopens the task with all its results', () => {
  const { source, scheduler } = setup({ checkRate: 1 });
  source.add('j', [1, 1]);
  scheduler.addJob(job('j', { redundancy: 2, quorum: 2 }));
  scheduler.connect('a', 1);
  scheduler.connect('b', 1);
  const [la] = scheduler.fill('a');
  const [lb] = scheduler.fill('b');
  assert.equal(la?.taskIndex, lb?.taskIndex);
  scheduler.result('a', la!.id, output('x'));
  scheduler.result('b', lb!.id, output('x'));
  const events: string[] = [];
  scheduler.on('check:done', (e) => events.push(`check:${e.passed}`));
  scheduler.on('task:reopened', (e) =>
    events.push(`reopened:${e.index}:${e.results.length}`),
  );
  scheduler.connect('c', 1);
  const [check] = scheduler.fill('c');
  assert.equal(
    check?.taskIndex,
    la!.taskIndex,
    'c is handed the settled task as a check',
  );
  scheduler.result('c', check!.id, output('y'));
  assert.deepEqual(events, ['check:false', `reopened:${la!.taskIndex}:3`]);
});

test('banning a volunteer takes its results out of the tasks still in play', () => {
  const { source, scheduler } = setup();
  source.add('j', [1]);
  scheduler.addJob(job('j', { redundancy: 2, quorum: 2 }));
  scheduler.connect('liar', 1);
  scheduler.connect('honest', 1);
  const [bad] = scheduler.fill('liar');
  const [good] = scheduler.fill('honest');
  scheduler.result('liar', bad!.id, output(0));
  scheduler.result('honest', good!.id, output(1));
  scheduler.ban('liar');
  scheduler.connect('third', 1);
  const [more] = scheduler.fill('third');
  let winner: string | undefined;
  scheduler.on('task:settled', (e) => (winner = e.winner.canonical));
  scheduler.result('third', more!.id, output(1));
  assert.equal(winner, '1');
  assert.equal(
    scheduler.fill('liar').length,
    0,
    'a banned volunteer gets no work',
  );
});
