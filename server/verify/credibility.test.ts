import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  groupCredibility,
  volunteerCredibility,
  type VolunteerRecord,
} from './credibility.ts';

const record = (over: Partial<VolunteerRecord> = {}): VolunteerRecord => ({
  agreed: 0,
  disagreed: 0,
  canariesPassed: 0,
  canariesFailed: 0,
  banned: false,
  ...over,
});
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

test('a newcomer is as credible as the population; verified results raise it', () => {
  close(volunteerCredibility(record()), 0.8);
  // f = 0.2, k = 3: 1 - 0.2 / 4
  close(volunteerCredibility(record({ agreed: 2, canariesPassed: 1 })), 0.95);
  // k = 19: 1 - 0.2 / 20 = 0.99, enough to settle alone at a 1% target.
  close(volunteerCredibility(record({ agreed: 19 })), 0.99);
  close(volunteerCredibility(record({ agreed: 3 }), 0.1), 0.975);
});

test('a banned volunteer, or one that failed a canary, has no credibility', () => {
  assert.equal(volunteerCredibility(record({ agreed: 100, banned: true })), 0);
  assert.equal(
    volunteerCredibility(record({ agreed: 100, canariesFailed: 1 })),
    0,
  );
});

test('one group alone: its odds against being wholly wrong', () => {
  // Two newcomers agree: 0.64 / (0.64 + 0.04)
  close(groupCredibility([[0.8, 0.8]])[0]!, 0.64 / 0.68);
  // Three: 0.512 / (0.512 + 0.008)
  close(groupCredibility([[0.8, 0.8, 0.8]])[0]!, 0.512 / 0.52);
  close(groupCredibility([[0.99]])[0]!, 0.99);
});

test('competing groups weigh each other: a credible pair beats a newcomer', () => {
  const [pair, single] = groupCredibility([[0.95, 0.95], [0.8]]);
  // right(pair) * wrong(single) = 0.9025 * 0.2 = 0.1805
  // right(single) * wrong(pair) = 0.8 * 0.0025 = 0.002
  // all wrong = 0.0025 * 0.2 = 0.0005
  close(pair!, 0.1805 / (0.1805 + 0.002 + 0.0005));
  close(single!, 0.002 / (0.1805 + 0.002 + 0.0005));
});

test('two colluding newcomers against one honest newcomer are not yet believed', () => {
  const [colluders, honest] = groupCredibility([[0.8, 0.8], [0.8]]);
  // 0.64 * 0.2 / (0.04 * 0.2 + 0.64 * 0.2 + 0.8 * 0.04) = 0.128 / 0.168
  close(colluders!, 0.128 / 0.168);
  close(honest!, 0.032 / 0.168);
  assert.ok(colluders! < 0.99, 'not enough to settle at a 1% target');
});
