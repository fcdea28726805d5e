/**
 * One job, live from its events stream: progress, the throughput chart, the
 * volunteers holding its tasks now, its tasks and its failures, downloads
 * and Cancel.
 */
import type { Api } from './api.ts';
import { FailedTasks } from './FailedTasks.tsx';
import { formatCount, formatTime } from './format.ts';
import { JobActions } from './JobActions.tsx';
import { JobSummary } from './JobSummary.tsx';
import { BASE, Link } from './router.tsx';
import { StateBadge } from './StateBadge.tsx';
import { TasksTable } from './TasksTable.tsx';
import { ThroughputChart } from './ThroughputChart.tsx';
import { wholeSeconds } from './rates.ts';
import type { LiveState } from './events.ts';
import {
  FINAL_STATES,
  type JobSnapshot,
  type JobView,
} from '../../../shared/api-types.ts';
import { useJobLive } from './use-job-live.ts';

const CONNECTION_TEXT: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'connection lost, retrying…',
  ended: 'final',
};

export function JobPage({ api, jobId }: { api: Api; jobId: string }) {
  const live = useJobLive(api, jobId);
  const { snapshot, connection, error } = live;
  if (error) {
    return (
      <section className="card" data-testid="job-error">
        <h1>Job not available</h1>
        <p className="error">{error.message}</p>
        <p>
          <Link to={BASE}>Back to your jobs</Link>
        </p>
      </section>
    );
  }
  if (!snapshot) return <p className="muted">Loading job {jobId}…</p>;
  const { job } = snapshot;
  const final = FINAL_STATES.has(job.state);
  const points = wholeSeconds(snapshot.throughput, live.serverNowMs, final);
  return (
    <article
      className="job-page"
      data-testid="job-page"
      data-job-id={job.id}
      data-state={job.state}
    >
      <header className="page-title">
        <div>
          <h1 data-testid="job-name">{job.name}</h1>
          {job.description ? <p className="muted">{job.description}</p> : null}
          <p className="fine">
            {job.id} · created {formatTime(job.createdAt)} · quorum{' '}
            {job.params.quorum} of {job.params.redundancy}, up to{' '}
            {job.params.maxReplicas} replicas
          </p>
        </div>
        <div className="title-side">
          <StateBadge state={job.state} testId="job-state" />
          <span
            className={`live live-${connection}`}
            data-testid="live-state"
            data-state={connection}
          >
            {CONNECTION_TEXT[connection]}
          </span>
        </div>
      </header>
      <JobActions api={api} job={job} onCancelled={live.replaceJob} />
      <JobSummary job={job} points={points} nowMs={live.serverNowMs} />
      <div className="two-col">
        <section className="card" aria-labelledby="chart-heading">
          <h2 id="chart-heading">Tasks ended per second</h2>
          <ThroughputChart points={points} />
        </section>
        <VolunteersNow snapshot={snapshot} />
      </div>
      <FailedTasks
        api={api}
        jobId={job.id}
        total={job.counts.total}
        bad={job.counts.failed + job.counts.errored}
      />
      <TasksTable
        api={api}
        jobId={job.id}
        total={job.counts.total}
        revision={revisionOf(job)}
      />
    </article>
  );
}

/** A number that changes whenever anything a task row shows may have changed. */
function revisionOf(job: JobView): string {
  const c = job.counts;
  return [job.state, c.total, c.settled, c.failed, c.replicas, c.leased].join(
    '/',
  );
}

function VolunteersNow({ snapshot }: { snapshot: JobSnapshot }) {
  const working = [...snapshot.volunteers].sort((a, b) => b.leased - a.leased);
  return (
    <section
      className="card"
      aria-labelledby="working-heading"
      data-testid="volunteers-now"
    >
      <h2 id="working-heading">Volunteers on it now ({working.length})</h2>
      {working.length === 0 ? (
        <p className="muted">No volunteer holds one of its tasks right now.</p>
      ) : (
        <ul className="working">
          {working.map((v) => (
            <li key={v.volunteerId} data-testid="volunteer-now">
              <span className="mono" title={v.volunteerId}>
                {v.volunteerId}
              </span>
              <span className="muted">
                {formatCount(v.leased)} task{v.leased === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
