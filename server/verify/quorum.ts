/**
 * What happens to a task next, as a pure function of its results so far.
 * Results are grouped into classes that agree under the job's comparator
 * (each result joins the first class whose first member it matches), and each
 * class gets a credibility from its members' (see credibility.ts).
 *
 * `quorum` mode (redundancy and voting):
 * - a class of at least `quorum` results settles the task: its first result
 *   is the output (or the settled error, when the class agrees on an error);
 * - otherwise, if the results still out could not lift the biggest class to
 *   `quorum`, more replicas are asked for, never more than `maxReplicas`;
 * - otherwise it waits for what is out, or, with nothing out and no replicas
 *   left to ask for, the task fails with every result kept.
 *
 * `adaptive` mode (credibility): the most credible class settles the task
 * once its credibility reaches 1 - `targetErrorRate` and it has at least
 * `minAgreeing` members (2 on a spot-checked task, else 1). Otherwise one
 * more replica is asked for at a time, up to `maxReplicas`; then it fails.
 */
import { groupCredibility } from './credibility.ts';
import type { Comparator, ResultValue } from './compare.ts';

export interface DecisionParams {
  mode: 'quorum' | 'adaptive';
  quorum: number;
  maxReplicas: number;
  targetErrorRate: number;
  /** Adaptive mode: members the settling class needs at least. */
  minAgreeing: number;
}

export interface Counted<T> {
  value: ResultValue;
  /** Credibility of the volunteer that sent the result. */
  credibility: number;
  item: T;
}

export type Decision<T> =
  | {
      kind: 'settle';
      winner: T;
      agreed: T[];
      disagreed: T[];
      credibility: number;
    }
  | { kind: 'more'; replicas: number }
  | { kind: 'wait' }
  | { kind: 'fail'; classes: number };

/**
 * @param results the results in arrival order
 * @param outstanding replicas leased or queued whose results are not in
 */
export function decide<T>(
  results: readonly Counted<T>[],
  outstanding: number,
  params: DecisionParams,
  compare: Comparator,
): Decision<T> {
  const classes = classify(results, compare);
  const credibility = groupCredibility(
    classes.map((c) => c.map((r) => r.credibility)),
  );
  const best =
    params.mode === 'quorum' ? largest(classes) : mostCredible(credibility);
  const winners = classes[best] ?? [];
  const settles =
    params.mode === 'quorum'
      ? winners.length >= params.quorum
      : winners.length >= params.minAgreeing &&
        credibility[best]! >= 1 - params.targetErrorRate;
  if (settles) {
    const agreed = new Set(winners);
    return {
      kind: 'settle',
      winner: winners[0]!.item,
      agreed: winners.map((r) => r.item),
      disagreed: results.filter((r) => !agreed.has(r)).map((r) => r.item),
      credibility: credibility[best]!,
    };
  }
  const room = params.maxReplicas - results.length - outstanding;
  const short =
    params.mode === 'quorum'
      ? params.quorum - winners.length - outstanding
      : outstanding === 0
        ? 1
        : 0;
  if (short > 0 && room > 0)
    return { kind: 'more', replicas: Math.min(short, room) };
  if (outstanding > 0) return { kind: 'wait' };
  return { kind: 'fail', classes: classes.length };
}

export function classify<T>(
  results: readonly Counted<T>[],
  compare: Comparator,
): Counted<T>[][] {
  const classes: Counted<T>[][] = [];
  for (const r of results) {
    const home = classes.find((c) => compare(c[0]!.value, r.value));
    if (home) home.push(r);
    else classes.push([r]);
  }
  return classes;
}

function largest<T>(classes: Counted<T>[][]): number {
  let best = -1;
  classes.forEach((c, i) => {
    if (best < 0 || c.length > classes[best]!.length) best = i;
  });
  return best;
}

function mostCredible(credibility: number[]): number {
  let best = -1;
  credibility.forEach((c, i) => {
    if (best < 0 || c > credibility[best]!) best = i;
  });
  return best;
}
