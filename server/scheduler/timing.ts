/**
 * How long tasks take: per job, a moving average of reported task times;
 * per volunteer, how much slower or faster than that average it runs. From
 * these the scheduler sets each lease a soft deadline, past which a backup
 * replica is issued (the lease itself runs on until its hard deadline), so a
 * slow or silent volunteer is overtaken quickly while `progress` keeps a long
 * task on a slow device alive. Per volunteer also its usual turnaround (lease
 * to result, its own queueing and resting included): a lease is not overdue
 * before twice that, or a volunteer whose results always come back late
 * would have every lease backed up. Stragglers at a job's tail are overtaken
 * by idle volunteers instead (backups.ts).
 */
const SAMPLES_BEFORE_TRUSTED = 3;
const WEIGHT = 0.2;

export class TaskTiming {
  private readonly jobs = new Map<
    string,
    { meanMs: number; samples: number }
  >();
  private readonly speed = new Map<string, number>();
  /** Per job, per volunteer: tasks of one job queue and rest alike, another job's may not. */
  private readonly turnaround = new Map<string, Map<string, number>>();

  observe(jobId: string, volunteerId: string, elapsedMs: number): void {
    if (!(elapsedMs >= 0)) return;
    const job = this.jobs.get(jobId);
    if (!job) {
      this.jobs.set(jobId, { meanMs: elapsedMs, samples: 1 });
      return;
    }
    if (job.samples >= SAMPLES_BEFORE_TRUSTED && job.meanMs > 0) {
      const ratio = Math.min(100, Math.max(0.01, elapsedMs / job.meanMs));
      const before = this.speed.get(volunteerId) ?? 1;
      this.speed.set(volunteerId, before + WEIGHT * (ratio - before));
    }
    job.meanMs += WEIGHT * (elapsedMs - job.meanMs);
    job.samples++;
  }

  /** A lease of this job came back from this volunteer `ms` after it was issued. */
  observeTurnaround(jobId: string, volunteerId: string, ms: number): void {
    if (!(ms >= 0)) return;
    let job = this.turnaround.get(jobId);
    if (!job) this.turnaround.set(jobId, (job = new Map()));
    const before = job.get(volunteerId);
    job.set(
      volunteerId,
      before === undefined ? ms : before + WEIGHT * (ms - before),
    );
  }

  /** The volunteer's usual time from lease to result on this job; null without history. */
  turnaroundMs(jobId: string, volunteerId: string): number | null {
    return this.turnaround.get(jobId)?.get(volunteerId) ?? null;
  }

  /** Expected run time of one task of the job on this volunteer; null without history. */
  expectedMs(jobId: string, volunteerId: string): number | null {
    const job = this.jobs.get(jobId);
    if (!job || job.samples < SAMPLES_BEFORE_TRUSTED) return null;
    return job.meanMs * (this.speed.get(volunteerId) ?? 1);
  }

  forgetJob(jobId: string): void {
    this.jobs.delete(jobId);
    this.turnaround.delete(jobId);
  }

  forgetVolunteer(volunteerId: string): void {
    this.speed.delete(volunteerId);
    for (const job of this.turnaround.values()) job.delete(volunteerId);
  }
}

/**
 * The soft deadline of a lease: three times what it should take, counting
 * the leases ahead of it in the volunteer's queue, at least twice the
 * volunteer's usual turnaround (but no more than the task's timeout, so a
 * volunteer cannot raise its own floor for ever by answering late), and at
 * least a second.
 */
export function softDeadline(
  now: number,
  expectedMs: number,
  queuedAhead: number,
  slots: number,
  usualTurnaroundMs: number | null = null,
  timeoutMs = Infinity,
): number {
  const waits = 1 + Math.floor(queuedAhead / Math.max(1, slots));
  const floor = Math.min(2 * (usualTurnaroundMs ?? 0), timeoutMs);
  return now + Math.max(1000, 3 * expectedMs * waits, floor);
}
