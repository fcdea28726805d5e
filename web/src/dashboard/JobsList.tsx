/**
 * The caller's jobs, newest first (the server lists only the caller's own),
 * refreshed every few seconds. Throughput is the change in ended tasks
 * between two refreshes.
 */
import { useRef } from 'react';
import type { Api } from './api.ts';
import { formatAge, formatCount, formatRate } from './format.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { BASE, Link } from './router.tsx';
import { StateBadge } from './StateBadge.tsx';
import { FINAL_STATES, type JobView } from '../../../shared/api-types.ts';
import { usePolling } from './use-polling.ts';

const REFRESH_MS = 3000;

interface Seen {
  ended: number;
  atMs: number;
  perSecond: number | null;
}

export function JobsList({ api }: { api: Api }) {
  const seen = useRef(new Map<string, Seen>());
  const { data, error } = usePolling(async () => {
    const { jobs } = await api.get<{ jobs: JobView[] }>('/api/jobs?limit=100');
    noteRates(seen.current, jobs, Date.now());
    return { jobs, atMs: Date.now() };
  }, REFRESH_MS);

  return (
    <section aria-labelledby="jobs-heading">
      <div className="page-title">
        <h1 id="jobs-heading">Your jobs</h1>
        <Link
          to={`${BASE}/new`}
          className="button primary"
          testId="new-job-link"
        >
          New job
        </Link>
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="jobs-error">
          {error}
        </p>
      ) : null}
      {data === undefined ? (
        <p className="muted">Loading…</p>
      ) : data.jobs.length === 0 ? (
        <p className="card muted" data-testid="jobs-empty">
          No jobs yet. <Link to={`${BASE}/new`}>Submit one</Link>.
        </p>
      ) : (
        <JobsTable jobs={data.jobs} nowMs={data.atMs} seen={seen.current} />
      )}
    </section>
  );
}

function JobsTable(props: {
  jobs: JobView[];
  nowMs: number;
  seen: Map<string, Seen>;
}) {
  return (
    <div className="table-wrap card flush">
      <table className="jobs" data-testid="jobs-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>State</th>
            <th className="wide">Progress</th>
            <th className="num">Settled / failed / total</th>
            <th className="num">Throughput</th>
            <th className="num">Age</th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => (
            <JobRow
              key={job.id}
              job={job}
              nowMs={props.nowMs}
              perSecond={props.seen.get(job.id)?.perSecond ?? null}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function JobRow(props: {
  job: JobView;
  nowMs: number;
  perSecond: number | null;
}) {
  const { job } = props;
  const { settled, failed, total } = job.counts;
  const final = FINAL_STATES.has(job.state);
  return (
    <tr data-testid="job-row" data-job-id={job.id} data-state={job.state}>
      <td>
        <Link
          to={`${BASE}/jobs/${encodeURIComponent(job.id)}`}
          testId="job-link"
        >
          {job.name}
        </Link>
      </td>
      <td>
        <StateBadge state={job.state} />
      </td>
      <td className="wide">
        <ProgressBar counts={job.counts} />
      </td>
      <td className="num" data-testid="job-counts">
        {formatCount(settled)} / {formatCount(failed)} / {formatCount(total)}
      </td>
      <td className="num">{final ? '—' : formatRate(props.perSecond)}</td>
      <td className="num" title={new Date(job.createdAt).toLocaleString()}>
        {formatAge(job.createdAt, props.nowMs)}
      </td>
    </tr>
  );
}

/** Tasks ended per second since the previous refresh, per job. */
function noteRates(seen: Map<string, Seen>, jobs: JobView[], nowMs: number) {
  const live = new Set<string>();
  for (const job of jobs) {
    live.add(job.id);
    const ended = job.counts.settled + job.counts.failed;
    const before = seen.get(job.id);
    const perSecond =
      before && nowMs > before.atMs
        ? ((ended - before.ended) * 1000) / (nowMs - before.atMs)
        : null;
    seen.set(job.id, { ended, atMs: nowMs, perSecond });
  }
  for (const id of seen.keys()) if (!live.has(id)) seen.delete(id);
}
