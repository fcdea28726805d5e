/**
 * What the server fills in for a spec field left out (shared/spec.ts), shown
 * on the new job form. Kept here rather than imported so that the page does
 * not bundle zod; e2e/dashboard-form.test.ts checks that they agree.
 */
export const SPEC_DEFAULTS = {
  quorum: 2,
  /** Redundancy defaults to the quorum. */
  redundancy: 'quorum',
  /** maxReplicas defaults to the largest of 5, redundancy and quorum. */
  maxReplicasAtLeast: 5,
  compare: 'exact',
  abs: 1e-9,
  rel: 1e-9,
  timeoutMs: 60_000,
  weight: 1,
  estimatedTaskMs: 1000,
  rangeStep: 1,
} as const;

/** The maxReplicas the server will pick for a given redundancy and quorum. */
export function defaultMaxReplicas(redundancy: number, quorum: number): number {
  return Math.max(SPEC_DEFAULTS.maxReplicasAtLeast, redundancy, quorum);
}
