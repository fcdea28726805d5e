/**
 * A Prometheus histogram read from two scrapes of `/metrics`: what it counted
 * in between, and the bucket bound a quantile falls under. Buckets are
 * coarse, so a quantile is reported as "at most" its bucket's bound.
 */
export type Buckets = Map<number, number>;

/** Cumulative bucket counts of `name`, keyed by upper bound (Infinity for +Inf). */
export function readBuckets(text: string, name: string): Buckets {
  const buckets: Buckets = new Map();
  const pattern = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm');
  for (const [, le, count] of text.matchAll(pattern))
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(count));
  return buckets;
}

/**
 * The smallest bucket bound under which a share `q` of the observations made
 * between the scrapes fall.
 */
export function quantileBound(
  before: Buckets,
  after: Buckets,
  q: number,
): { bound: number; count: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const count = delta(Infinity);
  for (const le of bounds)
    if (count > 0 && delta(le) >= q * count) return { bound: le, count };
  return { bound: NaN, count };
}

/** The share of the observations between the scrapes at or under `bound`. */
export function shareUnder(
  before: Buckets,
  after: Buckets,
  bound: number,
): number {
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  return delta(bound) / Math.max(1, delta(Infinity));
}

/** A labelled histogram's `_sum` and `_count`, such as GC pauses by kind. */
export function readSumCount(
  text: string,
  name: string,
  label: string,
): { sum: number; count: number } {
  const read = (suffix: string) => {
    const line = new RegExp(`^${name}_${suffix}\\{${label}\\} (\\S+)$`, 'm');
    return Number(text.match(line)?.[1] ?? 0);
  };
  return { sum: read('sum'), count: read('count') };
}
