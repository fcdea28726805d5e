import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitQueue, type CommitQueueOptions } from './commit-queue.ts';
import type { Batch } from './batch.ts';

function replica(id: number) {
  return {
    id,
    jobId: 'j',
    taskIndex: id,
    volunteerId: 'v',
    state: 'returned' as const,
    leasedAt: 0,
    endedAt: 0,
    elapsedMs: 1,
    output: '1',
    error: null,
    resultHash: 'h',
    verdict: 'pending' as const,
  };
}

test('callbacks run after the commit that holds their change, never before', async () => {
  const applied: number[][] = [];
  const events: string[] = [];
  const queue = new CommitQueue({
    intervalMs: 1,
    write: (batch: Batch) => {
      applied.push([...batch.replicas.keys()]);
      events.push('apply');
    },
    onFatal: (err) => assert.fail(err),
  });
  queue.open.addReplica(replica(1));
  queue.afterCommit(() => events.push('ack 1'));
  queue.open.addReplica(replica(2));
  assert.deepEqual(events, [], 'nothing is applied synchronously');
  await new Promise<void>((resolve) => queue.afterCommit(resolve));
  assert.deepEqual(applied, [[1, 2]]);
  assert.deepEqual(events, ['apply', 'ack 1']);
  await queue.close();
});

test('a full batch commits at once, not after the interval, and commits once', async () => {
  const sizes: number[] = [];
  const queue = new CommitQueue({
    intervalMs: 60_000,
    maxBatchSize: 3,
    write: (batch: Batch) => void sizes.push(batch.size),
    onFatal: (err) => assert.fail(err),
  });
  const committed = new Promise<void>((resolve) => queue.afterCommit(resolve));
  for (let id = 1; id <= 5; id++) queue.open.addReplica(replica(id));
  const bound = setTimeout(() => assert.fail('no commit within 5 s'), 5000);
  await committed;
  clearTimeout(bound);
  assert.deepEqual(sizes, [5], 'one commit holds every change made that tick');
  await queue.close();
});

test('a failed commit is fatal and later changes are not committed', async () => {
  let calls = 0;
  let acked = false;
  const fatal = new Promise<Error>((resolve) => {
    const queue = new CommitQueue({
      intervalMs: 1,
      write: () => {
        calls++;
        throw new Error('disk full');
      },
      onFatal: (err) => {
        queue.open.addReplica(replica(2));
        queue.afterCommit(() => (acked = true));
        resolve(err);
      },
    });
    queue.open.addReplica(replica(1));
    queue.afterCommit(() => (acked = true));
  });
  assert.equal((await fatal).message, 'disk full');
  // Give a second commit every chance to happen: it must not.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(acked, false, 'no ack for a change that was not committed');
  assert.equal(calls, 1);
});

/** A queue whose writes finish when the test says: `finish[i]()` ends the i-th. */
function deferredQueue(options: Partial<CommitQueueOptions> = {}) {
  const written: number[][] = [];
  const finish: (() => void)[] = [];
  const queue = new CommitQueue({
    intervalMs: 1,
    write: (batch: Batch) => {
      written.push([...batch.replicas.keys()]);
      return new Promise<void>((resolve) => finish.push(resolve));
    },
    onFatal: (err) => assert.fail(err),
    ...options,
  });
  return { queue, written, finish };
}

test('while one batch is written the next gathers, and goes once the first is done', async () => {
  const { queue, written, finish } = deferredQueue();
  const order: string[] = [];
  queue.open.addReplica(replica(1));
  queue.afterCommit(() => order.push('ack 1'));
  await until(() => written.length === 1);
  queue.open.addReplica(replica(2));
  queue.afterCommit(() => order.push('ack 2'));
  queue.open.addReplica(replica(3));
  // Well past the interval: the second batch still waits for the first.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(written, [[1]], 'one write at a time');
  assert.deepEqual(order, []);
  finish[0]!();
  await until(() => written.length === 2);
  assert.deepEqual(order, ['ack 1']);
  assert.deepEqual(written[1], [2, 3]);
  finish[1]!();
  await until(() => order.length === 2);
  assert.deepEqual(order, ['ack 1', 'ack 2']);
  const closed = queue.close();
  await closed;
});

test('a callback added with nothing new still waits for the batch being written', async () => {
  const { queue, finish } = deferredQueue();
  queue.open.addReplica(replica(1));
  await until(() => finish.length === 1);
  let settled = false;
  const settling = queue.settle().then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false, 'settle resolved before the write it follows');
  finish[0]!();
  await settling;
  await queue.close();
});

test('a heavy batch goes at once, even while one is written; commits keep order', async () => {
  const { queue, written, finish } = deferredQueue({
    intervalMs: 60_000,
    maxBatchChars: 1000,
  });
  const order: string[] = [];
  queue.open.addReplica(replica(1));
  queue.afterCommit(() => order.push('ack 1'));
  const settled = queue.settle();
  await until(() => written.length === 1);
  queue.open.addReplica({ ...replica(2), output: 'x'.repeat(2000) });
  queue.afterCommit(() => order.push('ack 2'));
  // The next change finds the open batch heavy: it goes without waiting.
  queue.open.addReplica(replica(3));
  assert.deepEqual(written, [[1], [2]], 'the heavy batch did not wait');
  finish[1]!();
  await new Promise((resolve) => setImmediate(resolve));
  finish[0]!();
  await settled;
  await until(() => order.length === 2);
  assert.deepEqual(
    order,
    ['ack 1', 'ack 2'],
    'callbacks keep the commit order',
  );
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++)
    await new Promise((resolve) => setTimeout(resolve, 2));
  assert.ok(condition(), 'condition not met within 1 s');
}
