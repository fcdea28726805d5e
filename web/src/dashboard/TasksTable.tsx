/**
 * A job's tasks, a page at a time (`GET /api/jobs/:id/tasks?from&limit`).
 * The page is loaded again whenever the job's snapshot changes; a row opens
 * to show every replica of its task.
 */
import { Fragment, useEffect, useState } from 'react';
import { messageOf, type Api } from './api.ts';
import { formatCount, preview, shortHash } from './format.ts';
import { TaskReplicas } from './TaskReplicas.tsx';
import type { TaskView } from '../../../shared/api-types.ts';

const PAGE_SIZE = 25;

interface Props {
  api: Api;
  jobId: string;
  total: number;
  /** Changes whenever the job does; the page is loaded again then. */
  revision: string;
}

export function TasksTable({ api, jobId, total, revision }: Props) {
  const [from, setFrom] = useState(0);
  const [tasks, setTasks] = useState<TaskView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  useEffect(() => {
    let current = true;
    const path = `/api/jobs/${encodeURIComponent(jobId)}/tasks?from=${from}&limit=${PAGE_SIZE}`;
    api
      .get<{ tasks: TaskView[] }>(path)
      .then((page) => {
        if (!current) return;
        setTasks(page.tasks);
        setError(null);
      })
      .catch((err: unknown) => current && setError(messageOf(err)));
    return () => {
      current = false;
    };
  }, [api, jobId, from, revision]);

  const last = Math.min(total, from + PAGE_SIZE);
  return (
    <section className="card" aria-labelledby="tasks-heading">
      <div className="card-title">
        <h2 id="tasks-heading">Tasks</h2>
        <div className="pager">
          <button
            type="button"
            className="quiet small"
            data-testid="tasks-prev"
            disabled={from === 0}
            onClick={() => setFrom(Math.max(0, from - PAGE_SIZE))}
          >
            ← Earlier
          </button>
          <span className="muted" data-testid="tasks-range">
            {total === 0
              ? 'none yet'
              : `${formatCount(from)}–${formatCount(Math.max(from, last - 1))}` +
                ` of ${formatCount(total)}`}
          </span>
          <button
            type="button"
            className="quiet small"
            data-testid="tasks-next"
            disabled={from + PAGE_SIZE >= total}
            onClick={() => setFrom(from + PAGE_SIZE)}
          >
            Later →
          </button>
        </div>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="tasks" data-testid="tasks-table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>State</th>
              <th>Input</th>
              <th>Output or error</th>
              <th>Result hash</th>
              <th className="num">Out now</th>
            </tr>
          </thead>
          <tbody>
            {(tasks ?? []).map((task) => (
              <Fragment key={task.index}>
                <TaskRow
                  task={task}
                  open={open === task.index}
                  toggle={() =>
                    setOpen(open === task.index ? null : task.index)
                  }
                />
                {open === task.index ? (
                  <tr className="replicas-row">
                    <td colSpan={6}>
                      <TaskReplicas
                        api={api}
                        jobId={jobId}
                        index={task.index}
                        revision={revision}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TaskRow(props: { task: TaskView; open: boolean; toggle: () => void }) {
  const { task } = props;
  const errored = task.state === 'settled' && task.error !== undefined;
  const state = errored ? 'error' : task.state;
  return (
    <tr data-testid="task-row" data-index={task.index} data-state={state}>
      <td className="num">
        <button
          type="button"
          className="link"
          aria-expanded={props.open}
          data-testid="task-toggle"
          onClick={props.toggle}
        >
          {props.open ? '▾' : '▸'} {task.index}
        </button>
      </td>
      <td>
        <span className={`task-state task-${state}`}>{state}</span>
      </td>
      <td className="mono">{preview(task.input, 40)}</td>
      <td className={task.error ? 'mono warn-text' : 'mono'}>
        {task.error
          ? (task.error.message ?? preview(task.error))
          : preview(task.output, 40)}
      </td>
      <td className="mono" title={task.resultHash ?? undefined}>
        {shortHash(task.resultHash)}
      </td>
      <td className="num">{task.leased ?? 0}</td>
    </tr>
  );
}
