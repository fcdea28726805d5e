/**
 * Volunteers' records as the coordinator keeps them in memory: what the
 * credibility of each result is computed from. Loaded from the store the
 * first time a volunteer is seen in this run, then kept up to date here as
 * verdicts happen (the same changes go to the store through the batch).
 *
 * Who gets banned:
 * - a volunteer that fails a canary (a task whose right output is known);
 * - one whose result disagreed with an output settled at credibility of at
 *   least 1 - the job's target error rate ("proven against a strong
 *   majority");
 * - one with at least `banAfterDisagreements` rejected results and more
 *   rejected than agreed.
 */
import type { Store } from './store/store.ts';
import {
  DEFAULT_FAULT_RATE,
  volunteerCredibility,
  type VolunteerRecord,
} from './verify/credibility.ts';

export interface TrustOptions {
  faultRate?: number;
  banAfterDisagreements?: number;
}

export class TrustRecords {
  private readonly records = new Map<string, VolunteerRecord>();
  readonly faultRate: number;
  private readonly banAfter: number;

  constructor(
    private readonly store: Store,
    options: TrustOptions = {},
  ) {
    this.faultRate = options.faultRate ?? DEFAULT_FAULT_RATE;
    this.banAfter = options.banAfterDisagreements ?? 5;
  }

  get(volunteerId: string): VolunteerRecord {
    let record = this.records.get(volunteerId);
    if (!record) {
      const row = this.store.volunteers.get(volunteerId);
      record = {
        agreed: row?.agreed ?? 0,
        disagreed: row?.disagreed ?? 0,
        canariesPassed: row?.canariesPassed ?? 0,
        canariesFailed: row?.canariesFailed ?? 0,
        banned: row ? row.bannedAt !== null : false,
      };
      this.records.set(volunteerId, record);
    }
    return record;
  }

  credibility(volunteerId: string): number {
    return volunteerCredibility(this.get(volunteerId), this.faultRate);
  }

  isBanned(volunteerId: string): boolean {
    return this.get(volunteerId).banned;
  }

  /** Counts a verdict; returns a reason when it should get the volunteer banned. */
  noteVerdict(
    volunteerId: string,
    agreed: boolean,
    provenWrong: boolean,
  ): string | null {
    const record = this.get(volunteerId);
    if (agreed) record.agreed++;
    else record.disagreed++;
    if (record.banned || agreed) return null;
    if (provenWrong) return 'disagreed with a credible settled result';
    if (record.disagreed >= this.banAfter && record.disagreed > record.agreed) {
      return `${record.disagreed} results disagreed with the quorum, ${record.agreed} agreed`;
    }
    return null;
  }

  /** Counts a canary; returns a reason when it was failed. */
  noteCanary(volunteerId: string, passed: boolean): string | null {
    const record = this.get(volunteerId);
    if (passed) record.canariesPassed++;
    else record.canariesFailed++;
    return passed || record.banned
      ? null
      : 'returned a wrong output for a canary';
  }

  markBanned(volunteerId: string): boolean {
    const record = this.get(volunteerId);
    if (record.banned) return false;
    record.banned = true;
    return true;
  }
}
