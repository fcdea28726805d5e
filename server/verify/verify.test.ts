import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparatorFor, type ResultValue } from './compare.ts';
import { decide } from './quorum.ts';
import { canonicalJson } from '../../shared/canonical.ts';

const out = (v: unknown): ResultValue => ({
  kind: 'output',
  canonical: canonicalJson(v),
});
const counted = (...values: unknown[]) =>
  values.map((v, i) => ({ value: out(v), credibility: 0.8, item: i }));
const quorum = (q: number, maxReplicas: number) => ({
  mode: 'quorum' as const,
  quorum: q,
  maxReplicas,
  targetErrorRate: 0.01,
  minAgreeing: 1,
});
const adaptive = (maxReplicas: number, minAgreeing = 1) => ({
  mode: 'adaptive' as const,
  quorum: 1,
  maxReplicas,
  targetErrorRate: 0.01,
  minAgreeing,
});

test('exact comparison ignores key order but nothing else', () => {
  const exact = comparatorFor('exact');
  assert.ok(exact(out({ a: 1, b: [1, 2] }), out({ b: [1, 2], a: 1 })));
  assert.ok(!exact(out({ a: 1 }), out({ a: 1.0000001 })));
  assert.ok(!exact(out(1), { kind: 'error', canonical: '1' }));
});

test('tolerance comparison lets numbers differ by abs or rel, deep inside', () => {
  const near = comparatorFor({ mode: 'tolerance', abs: 1e-6, rel: 1e-3 });
  assert.ok(near(out({ x: [1, 2.0000001] }), out({ x: [1, 2] })));
  assert.ok(near(out(1000), out(1000.5)), 'within rel');
  assert.ok(!near(out(1), out(1.01)));
  assert.ok(!near(out({ x: 1 }), out({ y: 1 })));
  assert.ok(!near(out('a'), out('b')));
});

test('a quorum of agreeing results settles with the first of them', () => {
  const d = decide(counted(3, 4, 3), 0, quorum(2, 5), comparatorFor('exact'));
  assert.equal(d.kind, 'settle');
  if (d.kind !== 'settle') return;
  assert.deepEqual([d.winner, d.agreed, d.disagreed], [0, [0, 2], [1]]);
  // Groups of 0.8 pairs against one: 0.128 / 0.168
  assert.ok(Math.abs(d.credibility - 0.128 / 0.168) < 1e-12);
});

test('disagreement asks only for the replicas that could still reach quorum', () => {
  const exact = comparatorFor('exact');
  assert.deepEqual(decide(counted(1, 2), 0, quorum(2, 5), exact), {
    kind: 'more',
    replicas: 1,
  });
  assert.deepEqual(decide(counted(1, 2), 0, quorum(3, 5), exact), {
    kind: 'more',
    replicas: 2,
  });
  assert.deepEqual(decide(counted(1, 2), 1, quorum(2, 5), exact), {
    kind: 'wait',
  });
  assert.deepEqual(decide(counted(1, 2, 3), 0, quorum(3, 4), exact), {
    kind: 'more',
    replicas: 1,
  });
});

test('with no replicas left to ask for, the task fails', () => {
  const d = decide(counted(1, 2, 3), 0, quorum(2, 3), comparatorFor('exact'));
  assert.deepEqual(d, { kind: 'fail', classes: 3 });
});

test('adaptive: a credible volunteer settles alone; newcomers need company', () => {
  const exact = comparatorFor('exact');
  const trusted = [{ value: out(9), credibility: 0.995, item: 0 }];
  const d = decide(trusted, 0, adaptive(5), exact);
  assert.equal(d.kind, 'settle');
  assert.ok(d.kind === 'settle' && Math.abs(d.credibility - 0.995) < 1e-12);
  assert.deepEqual(
    decide(trusted, 0, adaptive(5, 2), exact),
    { kind: 'more', replicas: 1 },
    'spot-checked',
  );
  assert.deepEqual(decide(counted(9), 0, adaptive(5), exact), {
    kind: 'more',
    replicas: 1,
  });
  assert.deepEqual(decide(counted(9), 1, adaptive(5), exact), { kind: 'wait' });
  // Four agreeing newcomers: 0.4096 / (0.4096 + 0.0016) > 0.99
  assert.equal(
    decide(counted(9, 9, 9, 9), 0, adaptive(5), exact).kind,
    'settle',
  );
  assert.equal(decide(counted(9, 9, 9), 0, adaptive(3), exact).kind, 'fail');
});
