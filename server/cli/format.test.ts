import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobView } from '../client/index.ts';
import { formatIndexes } from './output.ts';
import { formatDuration, renderProgress } from './progress.ts';

function view(
  state: JobView['state'],
  settled: number,
  total: number,
): JobView {
  return {
    id: 'j_test',
    name: 'test',
    description: '',
    state,
    inputsComplete: true,
    counts: {
      total,
      settled,
      failed: 0,
      errored: 0,
      pending: total - settled,
      leased: 2,
      replicas: 0,
      reissued: 0,
    },
    // The bar never reads the parameters or the trust figures.
    params: {} as JobView['params'],
    codeHash: 'x',
    createdAt: 0,
    startedAt: null,
    finishedAt: null,
    reduce: null,
    trust: {} as JobView['trust'],
  };
}

test('the progress line shows percent, counts, rate and ETA, within the terminal width', () => {
  const line = renderProgress(view('running', 250, 1000), 50, 100);
  assert.match(line, /^\[#{10}-{30}\] 25% 250\/1000 · 50\/s · ETA 15s$/);
  for (const columns of [120, 60, 30, 12])
    assert.ok(
      renderProgress(view('running', 250, 1000), 50, columns).length < columns,
    );
});

test('the progress line drops the bar on a narrow terminal but keeps the numbers', () => {
  assert.equal(renderProgress(view('running', 1, 4), undefined, 20), '25% 1/4');
});

test('failing task indexes are listed as ranges, shortened when there are many', () => {
  assert.equal(formatIndexes([2, 7, 12]), '2, 7, 12');
  assert.equal(formatIndexes([0, 1, 2, 3, 9, 11, 12]), '0-3, 9, 11-12');
  const many = Array.from({ length: 50 }, (_, i) => i * 2);
  assert.equal(formatIndexes(many, 3), '0, 2, 4 and 47 more');
});

test('durations read as seconds, minutes or hours', () => {
  assert.equal(formatDuration(42), '42s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(7800), '2h10m');
});
