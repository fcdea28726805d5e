import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './store.ts';
import type { TaskCursor } from '../scheduler/types.ts';

test('pending tasks page out highest priority first, index order within one, each once', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tabgrid-tasks-'));
  const store = openStore(join(dir, 'tabgrid.db'));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const priorities = [1, 3, 1, 2, 3, 1, 2, 1, 3];
  store.tasks.insertMany(
    'j',
    0,
    priorities.map((priority, i) => ({ inputJson: String(i), priority })),
  );
  const seen: { index: number; priority: number }[] = [];
  let cursor: TaskCursor | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const page = store.source.loadPending('j', cursor, 2);
    seen.push(...page.map((r) => ({ index: r.index, priority: r.priority })));
    if (page.length < 2) break;
    const last = page[page.length - 1]!;
    cursor = { priority: last.priority, index: last.index };
  }
  const expected = priorities
    .map((priority, index) => ({ index, priority }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index);
  assert.deepEqual(seen, expected);
});
