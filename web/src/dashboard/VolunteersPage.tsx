/**
 * Volunteers online now and recently seen (`GET /api/volunteers`), with
 * their slots, their pace this session and their record: how often their
 * results agreed with the quorum (their credibility), and whether they are
 * banned.
 */
import type { Api } from './api.ts';
import {
  formatAge,
  formatCount,
  formatDuration,
  formatPercent,
} from './format.ts';
import type { VolunteerView } from '../../../shared/api-types.ts';
import { usePolling } from './use-polling.ts';

const REFRESH_MS = 5000;

interface VolunteerList {
  online: number;
  volunteers: VolunteerView[];
}

export function VolunteersPage({ api }: { api: Api }) {
  const { data, error } = usePolling(async () => {
    const list = await api.get<VolunteerList>('/api/volunteers');
    return { ...list, atMs: Date.now() };
  }, REFRESH_MS);

  return (
    <section aria-labelledby="volunteers-heading">
      <div className="page-title">
        <h1 id="volunteers-heading">Volunteers</h1>
        {data ? (
          <p className="muted" data-testid="volunteers-online">
            {formatCount(data.online)} online now
          </p>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {data === undefined ? (
        <p className="muted">Loading…</p>
      ) : data.volunteers.length === 0 ? (
        <p className="card muted">No volunteer has connected yet.</p>
      ) : (
        <div className="table-wrap card flush">
          <table data-testid="volunteers-table">
            <thead>
              <tr>
                <th>Volunteer</th>
                <th>Status</th>
                <th className="num">Slots</th>
                <th className="num">Running</th>
                <th className="num">This session</th>
                <th className="num">Per minute</th>
                <th className="num">Agreed / disagreed</th>
                <th className="num">Credibility</th>
                <th className="num">Credited CPU</th>
                <th className="num">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {data.volunteers.map((v) => (
                <VolunteerRow key={v.id} volunteer={v} nowMs={data.atMs} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="fine">
        Credibility is the probability that a volunteer's result is right, from
        its record of results verified against others and canaries passed.
        Volunteers caught returning wrong results are banned from new work, and
        what they helped settle is checked again without them.
      </p>
    </section>
  );
}

function VolunteerRow({
  volunteer: v,
  nowMs,
}: {
  volunteer: VolunteerView;
  nowMs: number;
}) {
  const checked = v.agreed + v.disagreed;
  const status = v.banned ? 'banned' : v.online ? 'online' : 'offline';
  return (
    <tr
      data-testid="volunteer-row"
      data-volunteer-id={v.id}
      data-status={status}
    >
      <td className="mono" title={v.agent ?? undefined}>
        {v.id}
      </td>
      <td title={v.bannedReason ?? undefined}>
        <span className={`dot dot-${status}`} aria-hidden="true" /> {status}
      </td>
      <td className="num">{v.slots}</td>
      <td className="num">{v.leased}</td>
      <td className="num" data-testid="volunteer-session-tasks">
        {v.online ? formatCount(v.tasksThisSession) : '—'}
      </td>
      <td className="num">{perMinute(v, nowMs)}</td>
      <td className="num">
        {formatCount(v.agreed)} / {formatCount(v.disagreed)}
      </td>
      <td className="num" data-testid="volunteer-credibility">
        {checked === 0 && v.canariesPassed === 0
          ? '—'
          : formatPercent(v.credibility)}
      </td>
      <td className="num">{formatDuration(v.creditMs)}</td>
      <td className="num">
        {v.online ? 'now' : `${formatAge(v.lastSeenAt, nowMs)} ago`}
      </td>
    </tr>
  );
}

/** Tasks returned per minute since this session connected. */
function perMinute(v: VolunteerView, nowMs: number): string {
  if (!v.online || v.connectedAt === null) return '—';
  const minutes = (nowMs - v.connectedAt) / 60_000;
  if (minutes <= 0) return '—';
  const rate = v.tasksThisSession / minutes;
  return rate < 10 ? rate.toFixed(1) : formatCount(Math.round(rate));
}
