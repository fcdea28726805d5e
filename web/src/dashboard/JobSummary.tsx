/** A job's counts by state, its progress bar and the time left at the recent rate. */
import { formatCount, formatDuration, formatRate } from './format.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { etaMs, recentRate } from './rates.ts';
import {
  FINAL_STATES,
  type JobView,
  type ThroughputPoint,
} from '../../../shared/api-types.ts';

interface Props {
  job: JobView;
  /** Tasks ended per second, whole seconds up to now. */
  points: ThroughputPoint[];
  /** Now by the server's clock. */
  nowMs: number;
}

export function JobSummary({ job, points, nowMs }: Props) {
  const { counts } = job;
  const final = FINAL_STATES.has(job.state);
  const rate = final ? null : recentRate(points);
  return (
    <section className="card" aria-label="Progress">
      <ProgressBar counts={counts} large testId="job-progress" />
      <p className="progress-line">
        <span data-testid="progress-text">
          {formatCount(counts.settled + counts.failed)} of{' '}
          {formatCount(counts.total)} tasks ended
        </span>
        <span className="muted" data-testid="eta">
          {timeLine(job, nowMs, rate)}
        </span>
      </p>
      <dl className="stats">
        <Stat label="Settled" testId="count-settled" value={counts.settled} />
        <Stat label="Failed" testId="count-failed" value={counts.failed} warn />
        <Stat
          label="Errored"
          title="Settled on an error: the volunteers agreed the code threw"
          testId="count-errored"
          value={counts.errored}
          warn
        />
        <Stat label="Pending" testId="count-pending" value={counts.pending} />
        <Stat
          label="Replicas out now"
          testId="count-leased"
          value={counts.leased}
        />
        <Stat
          label="Replicas returned"
          testId="count-replicas"
          value={counts.replicas}
        />
        <Stat
          label="Re-issued"
          testId="count-reissued"
          value={counts.reissued}
        />
        <div className="stat">
          <dt>Throughput</dt>
          <dd data-testid="job-rate">{formatRate(rate)}</dd>
        </div>
      </dl>
      <TrustLine job={job} />
      {job.reduce ? (
        <p className="progress-line" data-testid="reduce-line">
          <span>
            Reduce:{' '}
            {job.reduce.done ? (
              <strong className="mono" data-testid="reduced-value">
                {JSON.stringify(job.reduce.value)}
              </strong>
            ) : job.reduce.level > 0 ? (
              `level ${job.reduce.level} running`
            ) : (
              'after the last task settles'
            )}
          </span>
        </p>
      ) : null}
    </section>
  );
}

/** How sure the settled outputs are, and what verifying them cost. */
function TrustLine({ job }: { job: JobView }) {
  const t = job.trust;
  const parts = [
    t.verification === 'adaptive'
      ? 'adaptive verification'
      : `quorum ${job.params.quorum}`,
    t.replicasPerSettled === null
      ? null
      : `${t.replicasPerSettled.toFixed(2)} replicas per task`,
    `${formatCount(t.disagreements)} disagreeing results`,
    t.volunteersBanned > 0 ? `${t.volunteersBanned} volunteers banned` : null,
    t.reopened > 0 ? `${formatCount(t.reopened)} tasks re-verified` : null,
    t.errorBound === null
      ? null
      : `error bound ${t.errorBound.toExponential(1)}`,
  ].filter(Boolean);
  return (
    <p className="fine" data-testid="trust-line">
      {parts.join(' · ')}
    </p>
  );
}

function Stat(props: {
  label: string;
  testId: string;
  value: number;
  warn?: boolean;
  title?: string;
}) {
  return (
    <div
      className={props.warn && props.value > 0 ? 'stat warn' : 'stat'}
      title={props.title}
    >
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{formatCount(props.value)}</dd>
    </div>
  );
}

function timeLine(job: JobView, nowMs: number, rate: number | null): string {
  if (job.finishedAt !== null) {
    const from = job.startedAt ?? job.createdAt;
    return `${job.state} after ${formatDuration(job.finishedAt - from)}`;
  }
  if (!job.inputsComplete) return 'waiting for its inputs';
  if (job.startedAt === null) return 'waiting for volunteers';
  const left = etaMs(job.counts.pending, rate);
  const elapsed = `running for ${formatDuration(nowMs - job.startedAt)}`;
  return left === null
    ? `${elapsed}; no tasks ended lately`
    : `${elapsed}; about ${formatDuration(left)} left`;
}
