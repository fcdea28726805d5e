/**
 * A job's check pool: tasks whose right output is known, handed out now and
 * then in place of new work to test volunteers. To a volunteer a check looks
 * like any other task. Two sources:
 *
 * - canaries: inputs with known outputs from the requester. A volunteer that
 *   gets one wrong is caught.
 * - settled tasks, re-issued as checks (spot-checks after the fact). One that
 *   disagrees reopens the task for more replicas: the settled output may have
 *   been the wrong one, so the disagreement is evidence, not yet proof.
 *
 * The pool is bounded; when full, a new settled task replaces a random one.
 */
import type { ResultRecord } from './types.ts';
import type { JobState } from './task-state.ts';

export interface CheckEntry {
  source: 'canary' | 'settled';
  index: number;
  inputJson: string;
  /** The task's priority, kept to reopen it where it was in the queue. */
  priority: number;
  expected: { kind: 'output' | 'error'; canonical: string };
  /** The settled task's results, to reopen it with if a check disagrees. */
  results: ResultRecord[];
  /** Volunteers that have run this task or check, who must not get it again. */
  doneBy: Set<string>;
}

export class CheckPool {
  private readonly entries: CheckEntry[] = [];

  constructor(
    private readonly maxSettled = 256,
    private readonly random: () => number = Math.random,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  add(entry: CheckEntry): void {
    if (entry.source === 'canary') {
      this.entries.push(entry);
      return;
    }
    const settled = this.entries.filter((e) => e.source === 'settled');
    if (settled.length < this.maxSettled) {
      this.entries.push(entry);
      return;
    }
    const victim = settled[Math.floor(this.random() * settled.length)]!;
    this.entries[this.entries.indexOf(victim)] = entry;
  }

  /** A random entry the volunteer has not run, or null. Canaries first. */
  pick(volunteerId: string): CheckEntry | null {
    const fresh = this.entries.filter((e) => !e.doneBy.has(volunteerId));
    if (fresh.length === 0) return null;
    const canaries = fresh.filter((e) => e.source === 'canary');
    const from = canaries.length > 0 && this.random() < 0.5 ? canaries : fresh;
    return from[Math.floor(this.random() * from.length)]!;
  }

  remove(entry: CheckEntry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Forgets settled entries that rest on a banned volunteer's word. */
  dropVolunteer(volunteerId: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.results.some((r) => r.volunteerId === volunteerId))
        this.entries.splice(i, 1);
    }
  }
}

/**
 * How often a volunteer is handed a check instead of new work: often while
 * it is unproven, rarely once its record is long.
 */
export function defaultCheckRate(credibility: number): number {
  return Math.min(0.3, 0.02 + 2 * (1 - credibility));
}

/** A check from the first job that has one this volunteer has not run. */
export function pickCheck(
  jobs: Iterable<JobState>,
  volunteerId: string,
): { job: JobState; entry: CheckEntry } | null {
  for (const job of jobs) {
    const entry = job.checks.pick(volunteerId);
    if (entry) return { job, entry };
  }
  return null;
}
