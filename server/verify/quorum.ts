/**
 * The quorum rule, as a pure function from a task's results so far to what
 * happens next. Results are grouped into classes that agree under the job's
 * comparator (each result joins the first class whose first member it
 * matches). Then:
 *
 * - a class of at least `quorum` results settles the task: its first result
 *   is the output (or the settled error, when the class agrees on an error);
 * - otherwise, if the results still out could not lift the biggest class to
 *   `quorum`, more replicas are asked for, never more than `maxReplicas` in
 *   all;
 * - otherwise, with nothing out and no replicas left to ask for, the task
 *   fails, and every result stays on record;
 * - otherwise it waits for the results still out.
 */
import type { Comparator, ResultValue } from './compare.ts';

export interface QuorumParams {
  quorum: number;
  maxReplicas: number;
}

export interface Counted<T> {
  value: ResultValue;
  item: T;
}

export type Decision<T> =
  | { kind: 'settle'; winner: T; agreed: T[]; disagreed: T[] }
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
  params: QuorumParams,
  compare: Comparator,
): Decision<T> {
  const classes = classify(results, compare);
  let best: Counted<T>[] = [];
  for (const c of classes) if (c.length > best.length) best = c;
  if (best.length >= params.quorum) {
    const agreed = new Set(best);
    return {
      kind: 'settle',
      winner: best[0]!.item,
      agreed: best.map((r) => r.item),
      disagreed: results.filter((r) => !agreed.has(r)).map((r) => r.item),
    };
  }
  const issued = results.length + outstanding;
  const short = params.quorum - best.length - outstanding;
  if (short > 0) {
    const room = params.maxReplicas - issued;
    if (room > 0) return { kind: 'more', replicas: Math.min(short, room) };
  }
  if (outstanding > 0) return { kind: 'wait' };
  return { kind: 'fail', classes: classes.length };
}

function classify<T>(
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
