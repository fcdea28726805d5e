/**
 * Entry of the volunteer page. `?autostart=1` starts without a click and
 * `?workers=N` sets the workers for this visit, for fleets and kiosks.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { watchConditions } from './conditions.ts';
import { VolunteerSession } from './session.ts';
import { clampWorkers, coreCount, loadSettings } from './settings.ts';
import './styles.css';

function socketUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

function main(): void {
  const params = new URLSearchParams(location.search);
  const cores = coreCount();
  const settings = loadSettings(cores);
  const workersParam = params.get('workers');
  if (workersParam !== null)
    settings.workers = clampWorkers(Number(workersParam), cores);

  const session = new VolunteerSession({
    url: socketUrl(),
    cores,
    settings,
  });
  Object.defineProperty(window, '__tabgridStatus', {
    get: session.getSnapshot,
  });
  watchConditions((conditions) => session.setConditions(conditions));

  const root = document.getElementById('root');
  if (!root) throw new Error('volunteer page has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App session={session} cores={cores} />
    </StrictMode>,
  );
  if (params.get('autostart') === '1') session.start();
}

main();
