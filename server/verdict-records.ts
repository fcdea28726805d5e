/**
 * What the scheduler's verdicts leave behind: each replica's verdict and its
 * volunteer's counts in the open batch, the volunteer's trust record and its
 * session's credit, and a ban for a volunteer caught by them. A settled
 * task's end is announced only once the commit holding its verdicts is done.
 * This runs once per settled task and per check: besides the batch rows it
 * makes one after-commit callback per settled task, and nothing else.
 */
import type { CommitQueue } from './store/commit-queue.ts';
import type { JobParams } from './store/jobs.ts';
import type { ResultRecord } from './scheduler/types.ts';
import type { SchedulerEvents } from './scheduler/scheduler.ts';
import type { VolunteerSession } from './ws/session.ts';
import type { TrustRecords } from './trust.ts';
import type { Bans } from './bans.ts';
import { writeFailure, writeSettlement } from './persist.ts';

/** A task that has left play, for whoever waits on its commit. */
export interface TaskEnded {
  jobId: string;
  index: number;
  state: 'settled' | 'failed';
}

export interface VerdictRecordsOptions {
  commits: CommitQueue;
  trust: TrustRecords;
  bans: Bans;
  /** The jobs in play: each one's target error rate, and its count of failed tasks. */
  jobs: ReadonlyMap<string, { params: JobParams; failed: number }>;
  /** The live session of each connected volunteer. */
  sessions: ReadonlyMap<string, VolunteerSession>;
  /** Called once the task's verdicts are committed. */
  onTaskEnded(ended: TaskEnded): void;
}

export class VerdictRecords {
  constructor(private readonly options: VerdictRecordsOptions) {}

  /** A task failed (no quorum, or too many leases lost): its row and the job's count. */
  onFailed(e: SchedulerEvents['task:failed']): void {
    const { commits, jobs } = this.options;
    writeFailure(commits.open, e);
    const job = jobs.get(e.jobId);
    if (job) job.failed++;
    const { jobId, index } = e;
    commits.afterCommit(() =>
      this.options.onTaskEnded({ jobId, index, state: 'failed' }),
    );
  }

  /** A task settled: its agreeing results are credited, the others counted against. */
  onSettled(e: SchedulerEvents['task:settled']): void {
    const { jobId, index, agreed, disagreed, credibility } = e;
    const { commits, jobs } = this.options;
    const batch = commits.open;
    writeSettlement(batch, e);
    const target = jobs.get(jobId)?.params.targetErrorRate ?? 0.01;
    const proven = credibility >= 1 - target;
    for (const r of agreed) {
      batch.setVerdict(r.replicaId, 'agreed');
      this.noteVerdict(r, true, false);
    }
    for (const r of disagreed) {
      batch.setVerdict(r.replicaId, 'disagreed');
      this.noteVerdict(r, false, proven);
    }
    commits.afterCommit(() =>
      this.options.onTaskEnded({ jobId, index, state: 'settled' }),
    );
  }

  /** A check lease came back: a spot check of a settled task, or a canary. */
  onCheck(e: SchedulerEvents['check:done']): void {
    const { lease, result, passed, source } = e;
    const batch = this.options.commits.open;
    batch.setVerdict(result.replicaId, passed ? 'agreed' : 'disagreed');
    batch.job(lease.jobId).checks++;
    if (source === 'settled') {
      // A failed settled check reopens the task; the new verdict decides who was wrong.
      if (passed) this.noteVerdict(result, true, false);
      return;
    }
    const v = batch.volunteer(result.volunteerId);
    if (passed) v.canariesPassed++;
    else v.canariesFailed++;
    const reason = this.options.trust.noteCanary(result.volunteerId, passed);
    if (reason) this.options.bans.ban(result.volunteerId, reason);
  }

  private noteVerdict(
    r: ResultRecord,
    agreed: boolean,
    provenWrong: boolean,
  ): void {
    const { commits, sessions, trust, bans } = this.options;
    const v = commits.open.volunteer(r.volunteerId);
    if (agreed) {
      v.agreed++;
      v.creditMs += r.elapsedMs;
    } else {
      v.disagreed++;
    }
    sessions.get(r.volunteerId)?.noteVerdict(agreed, agreed ? r.elapsedMs : 0);
    const reason = trust.noteVerdict(r.volunteerId, agreed, provenWrong);
    if (reason) bans.ban(r.volunteerId, reason);
  }
}
