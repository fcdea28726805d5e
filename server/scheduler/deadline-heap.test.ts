import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineHeap } from './deadline-heap.ts';

/** A heap of `count` leases, ids 0..count-1, with their deadlines shuffled. */
function filled(count: number): { heap: DeadlineHeap; deadlineOf: number[] } {
  const heap = new DeadlineHeap();
  const deadlineOf: number[] = [];
  for (let id = 0; id < count; id++) {
    const deadline = (id * 7919) % count;
    deadlineOf.push(deadline);
    heap.push(deadline, id);
  }
  return { heap, deadlineOf };
}

test('compaction drops stale entries and still pops live ones in deadline order', () => {
  const { heap, deadlineOf } = filled(20_000);
  const live = (id: number, deadline: number) =>
    id % 10 === 0 && deadlineOf[id] === deadline;
  heap.compact(2_000, live);
  assert.equal(heap.size, 2_000);
  const due = heap.popDue(Infinity, live);
  assert.equal(due.length, 2_000);
  const deadlines = due.map((id) => deadlineOf[id]!);
  assert.deepEqual(
    deadlines,
    [...deadlines].sort((a, b) => a - b),
  );
});

test('compaction leaves a heap alone while live entries are not outnumbered', () => {
  const { heap } = filled(20_000);
  heap.compact(10_000, (id) => id % 2 === 0);
  assert.equal(heap.size, 20_000);
});
