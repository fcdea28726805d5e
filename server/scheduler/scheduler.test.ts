import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from './scheduler.ts';
import type {
  JobInfo,
  ResultRecord,
  TaskCursor,
  TaskRecord,
  TaskSource,
} from './types.ts';

/** An in-memory TaskSource with the store's ordering: priority desc, index asc. */
class MemorySource implements TaskSource {
  readonly tasks: TaskRecord[] = [];
  add(jobId: string, priorities: number[]): void {
    priorities.forEach((priority, index) =>
      this.tasks.push({
        jobId,
        index,
        inputJson: String(index),
        priority,
        results: [],
      }),
    );
  }
  loadPending(
    jobId: string,
    after: TaskCursor | null,
    limit: number,
  ): TaskRecord[] {
    return this.tasks
      .filter((t) => t.jobId === jobId)
      .sort((a, b) => b.priority - a.priority || a.index - b.index)
      .filter(
        (t) =>
          !after ||
          t.priority < after.priority ||
          (t.priority === after.priority && t.index > after.index),
      )
      .slice(0, limit);
  }
}

function job(id: string, over: Partial<JobInfo> = {}): JobInfo {
  return {
    id,
    owner: 'k1',
    redundancy: 1,
    quorum: 1,
    maxReplicas: 3,
    compare: 'exact',
    timeoutMs: 1000,
    createdAt: 0,
    verification: 'quorum',
    targetErrorRate: 0.01,
    spotCheckRate: 0,
    ...over,
  };
}

function output(
  value: unknown,
): Omit<ResultRecord, 'replicaId' | 'volunteerId'> {
  const canonical = JSON.stringify(value);
  return {
    kind: 'output',
    canonical,
    hash: canonical,
    elapsedMs: 1,
    detail: null,
  };
}

function setup(
  options: {
    now?: () => number;
    prefetch?: number;
    checkRate?: number;
    random?: () => number;
    pageSize?: number;
  } = {},
) {
  const source = new MemorySource();
  const scheduler = new Scheduler({
    source,
    clock: options.now ?? (() => 0),
    prefetch: options.prefetch ?? 1,
    checkRate: () => options.checkRate ?? 0,
    ...(options.random ? { random: options.random } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  return { source, scheduler };
}

/** Pending in the store's sense: no task the scheduler has settled or failed. */
function trackEnds(source: MemorySource, scheduler: Scheduler): void {
  const ended = (jobId: string, index: number) => {
    const i = source.tasks.findIndex(
      (t) => t.jobId === jobId && t.index === index,
    );
    if (i >= 0) source.tasks.splice(i, 1);
  };
  scheduler.on('task:settled', (e) => ended(e.jobId, e.index));
  scheduler.on('task:failed', (e) => ended(e.jobId, e.index));
}

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
