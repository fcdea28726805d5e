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
  private readonly canaries: CheckEntry[] = [];
  private readonly settled: CheckEntry[] = [];

  constructor(
    private readonly maxSettled = 256,
    private readonly random: () => number = Math.random,
  ) {}

  get size(): number {
    return this.canaries.length + this.settled.length;
  }

  /** A requester's input whose right output is known in advance. */
  addCanary(index: number, inputJson: string, expectedCanonical: string): void {
    this.add({
      source: 'canary',
      index,
      inputJson,
      priority: 1,
      expected: { kind: 'output', canonical: expectedCanonical },
      results: [],
      doneBy: new Set(),
    });
  }

  add(entry: CheckEntry): void {
    if (entry.source === 'canary') this.canaries.push(entry);
    else if (this.settled.length < this.maxSettled) this.settled.push(entry);
    else this.settled[Math.floor(this.random() * this.settled.length)] = entry;
  }

  /** A random entry the volunteer has not run, or null. Canaries first. */
  pick(volunteerId: string): CheckEntry | null {
    const canaries = this.canaries.filter((e) => !e.doneBy.has(volunteerId));
    if (
      canaries.length > 0 &&
      (this.settled.length === 0 || this.random() < 0.5)
    )
      return canaries[Math.floor(this.random() * canaries.length)]!;
    const settled = this.settled.filter((e) => !e.doneBy.has(volunteerId));
    const from = settled.length > 0 ? settled : canaries;
    if (from.length === 0) return null;
    return from[Math.floor(this.random() * from.length)]!;
  }

  remove(entry: CheckEntry): void {
    const list = entry.source === 'canary' ? this.canaries : this.settled;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  }

  /** Forgets settled entries that rest on a banned volunteer's word. */
  dropVolunteer(volunteerId: string): void {
    for (let i = this.settled.length - 1; i >= 0; i--) {
      if (this.settled[i]!.results.some((r) => r.volunteerId === volunteerId))
        this.settled.splice(i, 1);
    }
  }
}

/**
 * How often a volunteer is handed a check instead of new work: often while
 * it is unproven (`max`), rarely once its record is long.
 */
export function defaultCheckRate(credibility: number, max = 0.3): number {
  return Math.min(max, 0.02 + 2 * (1 - credibility));
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
