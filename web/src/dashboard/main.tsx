/** Entry of the requester dashboard at `/dashboard`. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { restoreSession } from './session.ts';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import './tables.css';
import './forms.css';
import './job.css';

function main(): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('dashboard page has no #root element');
  void restoreSession();
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

main();
