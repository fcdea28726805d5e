/**
 * Comparators: whether two replicas' results agree. Results arrive as
 * canonical JSON text (see shared/canonical.ts), so `exact` is string
 * equality; `tolerance` walks both values and lets numbers differ by at most
 * `abs` or `rel` (either suffices), while everything else must match exactly.
 */
import type { Compare } from '../../shared/spec.ts';

export type Comparator = (a: ResultValue, b: ResultValue) => boolean;

/** A result as the verifier sees it: canonical text, with its parse cached. */
export interface ResultValue {
  /** `output` or `error`; an error never agrees with an output. */
  kind: 'output' | 'error';
  canonical: string;
  parsed?: unknown;
}

export function comparatorFor(compare: Compare): Comparator {
  if (compare === 'exact') return exactEqual;
  const { abs, rel } = compare;
  return (a, b) => {
    if (a.kind !== b.kind) return false;
    if (a.canonical === b.canonical) return true;
    // Errors are compared by message only, exactly.
    if (a.kind === 'error') return false;
    return nearlyEqual(parsedOf(a), parsedOf(b), abs, rel);
  };
}

function exactEqual(a: ResultValue, b: ResultValue): boolean {
  return a.kind === b.kind && a.canonical === b.canonical;
}

function parsedOf(value: ResultValue): unknown {
  if (!('parsed' in value)) value.parsed = JSON.parse(value.canonical);
  return value.parsed;
}

export function nearlyEqual(
  a: unknown,
  b: unknown,
  abs: number,
  rel: number,
): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    const diff = Math.abs(a - b);
    return diff <= abs || diff <= rel * Math.max(Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => nearlyEqual(item, b[i], abs, rel));
  }
  if (
    a !== null &&
    b !== null &&
    typeof a === 'object' &&
    typeof b === 'object'
  ) {
    if (Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        nearlyEqual(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          abs,
          rel,
        ),
    );
  }
  return a === b;
}
