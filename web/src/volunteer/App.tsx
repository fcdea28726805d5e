/** The volunteer page: what will run, one button to start, then status and settings. */
import { useSyncExternalStore } from 'react';
import type { VolunteerSession } from './session.ts';
import type { VolunteerStatus } from './status.ts';
import { SettingsPanel, StatusPanel } from './panels.tsx';

interface Props {
  session: VolunteerSession;
  cores: number;
}

export function App({ session, cores }: Props) {
  const status = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return (
    <main className="page">
      <header className="masthead">
        <h1>tabgrid</h1>
        <p className="tagline">
          Lend this tab's idle processor time to shared computations.
        </p>
      </header>
      <Intro />
      <Controls status={status} session={session} />
      <StatusPanel status={status} />
      <SettingsPanel status={status} session={session} cores={cores} />
    </main>
  );
}

function Intro() {
  return (
    <section className="card intro" aria-labelledby="what-runs">
      <h2 id="what-runs">What runs if you start</h2>
      <ul>
        <li>
          This tab runs small tasks for jobs that other people submit to this
          coordinator. <strong>The code comes from strangers.</strong>
        </li>
        <li>
          Each task runs in a sandboxed worker with{' '}
          <strong>no network access</strong>: it cannot fetch, open sockets,
          load other code or read this site's data. It gets its input and
          returns a result, nothing more.
        </li>
        <li>
          Results are accepted only when independent volunteers agree, so your
          tab is one voice among several.
        </li>
        <li>
          You choose how many cores and what share of their time to lend.{' '}
          <strong>Pause or stop at any time</strong>; closing the tab stops
          everything.
        </li>
      </ul>
    </section>
  );
}

function Controls({
  status,
  session,
}: {
  status: VolunteerStatus;
  session: VolunteerSession;
}) {
  if (!status.active) {
    return (
      <section className="controls">
        <button
          type="button"
          className="primary"
          data-testid="start-button"
          onClick={() => session.start()}
        >
          Start computing
        </button>
      </section>
    );
  }
  const pausedByUser = status.pauseReasons.includes('user');
  return (
    <section className="controls">
      {pausedByUser ? (
        <button
          type="button"
          className="primary"
          data-testid="resume-button"
          onClick={() => session.resume()}
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          data-testid="pause-button"
          onClick={() => session.pause()}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        className="quiet"
        data-testid="stop-button"
        onClick={() => session.stop()}
      >
        Stop
      </button>
    </section>
  );
}
