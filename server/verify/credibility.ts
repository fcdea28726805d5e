/**
 * Credibility arithmetic, after Sarmenta's credibility-based fault tolerance
 * (2002). A volunteer's credibility is the probability that a result of
 * theirs is right; a result group's credibility is the probability that the
 * group's answer is the right one, given every group seen for the task.
 *
 * Volunteer: with an assumed fault rate `f` (the share of volunteers that may
 * be saboteurs) and `k` verified-good results (agreements with a credible
 * settled output, canaries passed), credibility is 1 - f / (k + 1): a
 * newcomer is trusted as much as the population, and each verified result
 * shrinks the doubt. A caught volunteer is banned, and has credibility 0.
 *
 * Groups: with P(g right) = product of its members' credibilities and
 * P(g wrong) = product of (1 - credibility), and assuming wrong answers of
 * different groups are independent and at most one group is right:
 *
 *   Cr(a) = P(a right) * prod_{b != a} P(b wrong)
 *           / ( prod_b P(b wrong) + sum_b P(b right) * prod_{c != b} P(c wrong) )
 */

export interface VolunteerRecord {
  /** Results that agreed with a credible settled output. */
  agreed: number;
  /** Results that disagreed with a credible settled output. */
  disagreed: number;
  canariesPassed: number;
  canariesFailed: number;
  banned: boolean;
}

export const DEFAULT_FAULT_RATE = 0.2;

export function volunteerCredibility(
  record: VolunteerRecord,
  faultRate = DEFAULT_FAULT_RATE,
): number {
  if (record.banned || record.canariesFailed > 0) return 0;
  const verified = record.agreed + record.canariesPassed;
  return 1 - faultRate / (verified + 1);
}

/** The credibility of each group, from its members' credibilities. */
export function groupCredibility(
  groups: readonly (readonly number[])[],
): number[] {
  const right = groups.map((g) => g.reduce((p, c) => p * c, 1));
  const wrong = groups.map((g) => g.reduce((p, c) => p * (1 - c), 1));
  const allWrong = wrong.reduce((p, w) => p * w, 1);
  const numerators = groups.map((_, a) =>
    wrong.reduce((p, w, b) => (b === a ? p * right[a]! : p * w), 1),
  );
  const total = allWrong + numerators.reduce((s, n) => s + n, 0);
  if (total === 0) return groups.map(() => 0);
  return numerators.map((n) => n / total);
}
