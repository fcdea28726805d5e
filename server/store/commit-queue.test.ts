import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitQueue } from './commit-queue.ts';
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
    apply: (batch: Batch) => {
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
  queue.close();
});

test('a full batch commits at once, not after the interval, and commits once', async () => {
  const sizes: number[] = [];
  const queue = new CommitQueue({
    intervalMs: 60_000,
    maxBatchSize: 3,
    apply: (batch: Batch) => sizes.push(batch.size),
    onFatal: (err) => assert.fail(err),
  });
  const committed = new Promise<void>((resolve) => queue.afterCommit(resolve));
  for (let id = 1; id <= 5; id++) queue.open.addReplica(replica(id));
  const bound = setTimeout(() => assert.fail('no commit within 5 s'), 5000);
  await committed;
  clearTimeout(bound);
  assert.deepEqual(sizes, [5], 'one commit holds every change made that tick');
  queue.close();
});

test('a failed commit is fatal and later changes are not committed', () => {
  const fatal: Error[] = [];
  let calls = 0;
  const queue = new CommitQueue({
    apply: () => {
      calls++;
      throw new Error('disk full');
    },
    onFatal: (err) => fatal.push(err),
  });
  let acked = false;
  queue.open.addReplica(replica(1));
  queue.afterCommit(() => (acked = true));
  queue.flush();
  assert.equal(fatal[0]?.message, 'disk full');
  assert.equal(acked, false, 'no ack for a change that was not committed');
  queue.open.addReplica(replica(2));
  queue.flush();
  assert.equal(calls, 1);
});
