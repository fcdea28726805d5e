/** The status and settings panels of the volunteer page. */
import type { ReactNode } from 'react';
import type { ClientState } from '../../../shared/volunteer-client.ts';
import { formatDuration, formatPercent } from './format.ts';
import type { VolunteerSession } from './session.ts';
import { MIN_CPU_SHARE } from './settings.ts';
import type { PauseReason, VolunteerStatus } from './status.ts';

const STATE_TEXT: Record<ClientState, string> = {
  idle: 'not started',
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected, retrying',
  stopped: 'stopped',
};

const PAUSE_TEXT: Record<PauseReason, string> = {
  user: 'paused by you',
  hidden: 'paused while the tab is hidden',
  battery: 'paused while on battery',
};

function Stat({
  label,
  testId,
  children,
  title,
}: {
  label: string;
  testId: string;
  children: ReactNode;
  title?: string;
}) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId} title={title}>
        {children}
      </dd>
    </div>
  );
}

export function StatusPanel({ status }: { status: VolunteerStatus }) {
  const { job, credit } = status;
  return (
    <section className="card status" aria-labelledby="status-heading">
      <h2 id="status-heading">
        <span className={`dot dot-${status.state}`} aria-hidden="true" />
        <span data-testid="connection-state" data-state={status.state}>
          {STATE_TEXT[status.state]}
        </span>
        {status.pauseReasons.length > 0 ? (
          <span className="paused" data-testid="pause-state">
            {' · '}
            {status.pauseReasons.map((r) => PAUSE_TEXT[r]).join(', ')}
          </span>
        ) : null}
      </h2>
      <div className="job">
        <p className="label">
          {status.running > 0
            ? 'Running now'
            : job
              ? 'Last ran'
              : 'Waiting for work'}
        </p>
        <p className="job-name" data-testid="job-name">
          {job ? job.name : '—'}
        </p>
        {job?.description ? (
          <p className="job-description" data-testid="job-description">
            {job.description}
          </p>
        ) : null}
      </div>
      <dl className="stats">
        <Stat label="Tasks running" testId="tasks-running">
          {status.running}
        </Stat>
        <Stat label="Tasks done" testId="tasks-done">
          {status.tasksDone}
        </Stat>
        <Stat
          label="CPU time given"
          testId="cpu-time"
          title={`${Math.round(status.cpuMs)} ms`}
        >
          {formatDuration(status.cpuMs)}
        </Stat>
        <Stat label="Validated tasks" testId="credit-validated">
          {credit.validated}
        </Stat>
        <Stat
          label="Credited CPU time"
          testId="credit-time"
          title={`${Math.round(credit.creditMs)} ms`}
        >
          {formatDuration(credit.creditMs)}
        </Stat>
        <Stat label="Rejected" testId="credit-rejected">
          {credit.rejected}
        </Stat>
      </dl>
      <p className="fine">
        {status.tasksFailed > 0
          ? `${status.tasksFailed} of the tasks done ended in an error. `
          : ''}
        Volunteer{' '}
        <span data-testid="volunteer-id">{status.volunteerId ?? '—'}</span>
      </p>
      {status.lastError ? (
        <p className="error" data-testid="last-error" role="status">
          Last error: {status.lastError}
        </p>
      ) : null}
    </section>
  );
}

interface SettingsProps {
  status: VolunteerStatus;
  session: VolunteerSession;
  cores: number;
}

export function SettingsPanel({ status, session, cores }: SettingsProps) {
  const { settings } = status;
  return (
    <section className="card settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">How much to lend</h2>
      <label className="range">
        <span>
          Workers{' '}
          <output data-testid="workers-value">{settings.workers}</output> of{' '}
          {cores} cores
        </span>
        <input
          type="range"
          data-testid="workers-input"
          min={1}
          max={cores}
          step={1}
          value={settings.workers}
          onChange={(e) => session.setWorkers(Number(e.currentTarget.value))}
        />
      </label>
      <label className="range">
        <span>
          CPU share{' '}
          <output data-testid="cpu-share-value">
            {formatPercent(settings.cpuShare)}
          </output>
          <small> of each worker's time; it rests for the rest</small>
        </span>
        <input
          type="range"
          data-testid="cpu-share-input"
          min={MIN_CPU_SHARE * 100}
          max={100}
          step={5}
          value={Math.round(settings.cpuShare * 100)}
          onChange={(e) =>
            session.setCpuShare(Number(e.currentTarget.value) / 100)
          }
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="pause-hidden-input"
          checked={settings.pauseWhenHidden}
          onChange={(e) => session.setPauseWhenHidden(e.currentTarget.checked)}
        />
        Pause while this tab is hidden
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="pause-battery-input"
          checked={settings.pauseOnBattery}
          disabled={!status.batteryKnown}
          onChange={(e) => session.setPauseOnBattery(e.currentTarget.checked)}
        />
        Pause while on battery
        {status.batteryKnown ? null : (
          <small> (this browser does not report its battery)</small>
        )}
      </label>
    </section>
  );
}
