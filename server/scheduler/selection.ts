/**
 * Which task a volunteer gets next. Owners (API keys) take turns by virtual
 * time, so each requester gets an equal share (start-time fair queueing:
 * an owner back from idle starts at the current time, not with credit);
 * within an owner, the job whose head task has the highest priority P = W/T,
 * doubled for every `agingHalfLifeMs` the job has waited, so no job starves.
 */
import { hasTouched, type JobState, type TaskState } from './task-state.ts';

/** Virtual time per owner: one unit per lease issued. */
export class FairShare {
  private readonly owners = new Map<string, number>();
  private system = 0;

  timeOf(owner: string): number {
    return Math.max(this.owners.get(owner) ?? 0, this.system);
  }

  charge(owner: string): void {
    const time = this.timeOf(owner);
    this.system = time;
    this.owners.set(owner, time + 1);
  }
}

export interface Selection {
  now: number;
  agingHalfLifeMs: number;
  share: FairShare;
  /** Loads the job's next page of pending tasks; returns how many came. */
  load(job: JobState): number;
}

/** The owner with the least virtual time; of its jobs, the best aged head priority. */
export function bestJob(
  jobs: Iterable<JobState>,
  skipped: Set<JobState>,
  sel: Selection,
): JobState | null {
  let best: JobState | null = null;
  let bestTime = Infinity;
  let bestScore = -Infinity;
  for (const job of jobs) {
    if (skipped.has(job)) continue;
    if (job.open.length === 0 && !job.exhausted) sel.load(job);
    const head = job.open[0];
    if (!head) continue;
    const time = sel.share.timeOf(job.info.owner);
    const waited = (sel.now - job.lastServedAt) / sel.agingHalfLifeMs;
    const score = head.priority * 2 ** waited;
    if (time < bestTime || (time === bestTime && score > bestScore)) {
      best = job;
      bestTime = time;
      bestScore = score;
    }
  }
  return best;
}

/** The job's first open task this volunteer may take, loading pages as needed. */
export function eligibleTask(
  job: JobState,
  volunteerId: string,
  load: (job: JobState) => number,
): TaskState | null {
  for (;;) {
    for (const task of job.open) {
      if (!hasTouched(task, volunteerId)) return task;
    }
    if (job.exhausted || load(job) === 0) return null;
  }
}
