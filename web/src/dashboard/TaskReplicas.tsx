/**
 * Every replica of one task (`GET /api/jobs/:id/tasks/:index`): which
 * volunteer ran it, how it ended, how long it took, the hash of its result
 * and whether that result agreed with the quorum.
 */
import { useEffect, useState } from 'react';
import { messageOf, type Api } from './api.ts';
import { formatDuration, preview, shortHash } from './format.ts';
import type { ReplicaView, TaskDetail } from '../../../shared/api-types.ts';

interface Props {
  api: Api;
  jobId: string;
  index: number;
  revision: string;
}

export function TaskReplicas({ api, jobId, index, revision }: Props) {
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api
      .get<TaskDetail>(`/api/jobs/${encodeURIComponent(jobId)}/tasks/${index}`)
      .then((t) => current && setTask(t))
      .catch((err: unknown) => current && setError(messageOf(err)));
    return () => {
      current = false;
    };
  }, [api, jobId, index, revision]);

  if (error) return <p className="error">{error}</p>;
  if (!task) return <p className="muted">Loading replicas…</p>;
  if (task.replicas.length === 0)
    return <p className="muted">No volunteer has taken this task yet.</p>;
  return (
    <table className="replicas" data-testid="replicas-table" data-index={index}>
      <thead>
        <tr>
          <th>Volunteer</th>
          <th>State</th>
          <th className="num">Elapsed</th>
          <th>Result hash</th>
          <th>Verdict</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {task.replicas.map((r) => (
          <ReplicaRow key={`${r.state}-${r.id}`} replica={r} />
        ))}
      </tbody>
    </table>
  );
}

function ReplicaRow({ replica: r }: { replica: ReplicaView }) {
  return (
    <tr data-testid="replica-row" data-verdict={r.verdict}>
      <td className="mono" title={r.volunteerId}>
        {r.volunteerId}
      </td>
      <td>{r.state}</td>
      <td className="num">
        {r.elapsedMs === undefined || r.elapsedMs === null
          ? '—'
          : formatDuration(r.elapsedMs)}
      </td>
      <td className="mono" title={r.resultHash ?? undefined}>
        {shortHash(r.resultHash)}
      </td>
      <td>
        <span className={`verdict verdict-${r.verdict}`}>{r.verdict}</span>
      </td>
      <td className="mono warn-text">
        {r.error ? (r.error.message ?? preview(r.error)) : ''}
      </td>
    </tr>
  );
}
