/**
 * The tasks that ended badly, with their errors: failed ones (no quorum, or
 * too many leases lost) and errored ones (volunteers agreed the code threw).
 * The server lists just those (`?only=problem`); the first few are shown.
 */
import { useEffect, useState } from 'react';
import { messageOf, type Api } from './api.ts';
import { formatCount, preview } from './format.ts';
import type { TaskView } from '../../../shared/api-types.ts';

const SHOW = 20;

interface Props {
  api: Api;
  jobId: string;
  total: number;
  /** failed + errored: the list is loaded again when it changes. */
  bad: number;
}

export function FailedTasks({ api, jobId, total, bad }: Props) {
  const [found, setFound] = useState<{
    tasks: TaskView[];
    scanned: number;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (bad === 0) return;
    let current = true;
    scanForBad(api, jobId, total)
      .then((result) => current && setFound(result))
      .catch((err: unknown) => current && setError(messageOf(err)));
    return () => {
      current = false;
    };
  }, [api, jobId, total, bad]);

  if (bad === 0) return null;
  return (
    <section
      className="card"
      aria-labelledby="failed-heading"
      data-testid="failed-tasks"
    >
      <h2 id="failed-heading">
        Tasks that ended in an error ({formatCount(bad)})
      </h2>
      {error ? <p className="error">{error}</p> : null}
      {found === null ? (
        <p className="muted">Looking for them…</p>
      ) : (
        <>
          <ul className="failed-list">
            {found.tasks.map((t) => (
              <li key={t.index} data-testid="failed-task" data-index={t.index}>
                <strong>Task {t.index}</strong>{' '}
                <span className="muted">
                  {t.state === 'failed' ? 'failed' : 'agreed error'}
                  {t.error?.code ? ` · ${t.error.code}` : ''}
                </span>
                <span className="mono warn-text">
                  {' '}
                  {t.error?.message ?? preview(t.error)}
                </span>
                <span className="muted mono">
                  {' '}
                  input {preview(t.input, 40)}
                </span>
              </li>
            ))}
          </ul>
          {found.tasks.length < bad ? (
            <p className="fine">
              Showing the first {found.tasks.length}; download the results for
              all of them.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

async function scanForBad(api: Api, jobId: string, total: number) {
  const path = `/api/jobs/${encodeURIComponent(jobId)}/tasks?only=problem&limit=${SHOW}`;
  const { tasks } = await api.get<{ tasks: TaskView[] }>(path);
  return { tasks, scanned: total };
}
