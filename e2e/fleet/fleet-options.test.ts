/** The fleet's option checks, flags and role assignment; no browser needed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../shared/random.ts';
import { parseCliArgs } from './args.ts';
import { assignRoles } from './faults.ts';
import { resolveFleetOptions } from './options.ts';
import { newEntries } from './tab.ts';

const url = 'http://127.0.0.1:8080';

test('bad fleet options are refused with the option named', () => {
  const cases: Array<[object, RegExp]> = [
    [{ url, tabs: 0 }, /tabs must be a whole number from 1/],
    [{ url: 'localhost', tabs: 1 }, /url must be an http\(s\) origin/],
    [{ url, tabs: 1, churn: -1 }, /churn must be a number of 0 or more/],
    [{ url, tabs: 1, saboteurs: 1.5 }, /saboteurs must be a fraction/],
    [
      { url, tabs: 2, saboteurs: 0.6, colluders: 0.6 },
      /saboteurs \+ colluders/,
    ],
    [{ url, tabs: 1, churnActions: ['explode'] }, /unknown action "explode"/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => resolveFleetOptions(options as never), message);
  }
});

test('the CLI turns flags into fleet options and names a bad flag', () => {
  const parsed = parseCliArgs(
    ['--url', url, '--tabs', '5', '--churn', '1.5', '--until-idle'],
    { TABGRID_KEY: 'k' },
  );
  assert.deepEqual(parsed.fleet, { url, tabs: 5, churn: 1.5 });
  assert.equal(parsed.untilIdle, true);
  assert.equal(parsed.key, 'k');
  assert.throws(
    () => parseCliArgs(['--tabs', 'many'], {}),
    /--tabs must be a number/,
  );
  assert.throws(() => parseCliArgs(['--offline-ms', '-5'], {}), /--offline-ms/);
  assert.throws(() => parseCliArgs(['--until-idle'], {}), /needs an API key/);
});

test('roles are assigned in the asked shares, at seeded random places', () => {
  const roles = assignRoles(
    10,
    { saboteurs: 0.2, colluders: 0.3 },
    seededRandom([1, 2, 3, 4]),
  );
  const count = (role: string) => roles.filter((r) => r === role).length;
  assert.deepEqual(
    [count('saboteur'), count('colluder'), count('honest')],
    [2, 3, 5],
  );
  const again = assignRoles(
    10,
    { saboteurs: 0.2, colluders: 0.3 },
    seededRandom([1, 2, 3, 4]),
  );
  assert.deepEqual(again, roles);
});

test('only the new entries of a capped error list are reported', () => {
  assert.deepEqual(newEntries([], ['a']), ['a']);
  assert.deepEqual(newEntries(['a', 'b'], ['a', 'b', 'c']), ['c']);
  assert.deepEqual(newEntries(['a', 'b', 'c'], ['b', 'c', 'd']), ['d']);
  assert.deepEqual(newEntries(['a'], ['a']), []);
});
