/** Placeholder for the requester dashboard, which is built next. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function Dashboard() {
  return (
    <main
      style={{
        fontFamily: 'system-ui, sans-serif',
        maxWidth: '40rem',
        margin: '3rem auto',
        padding: '0 1rem',
      }}
    >
      <h1>tabgrid dashboard</h1>
      <p>
        The requester dashboard arrives next. Until then, use the REST API or
        the CLI.
      </p>
      <p>
        <a href="/">Volunteer page</a>
      </p>
    </main>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <Dashboard />
    </StrictMode>,
  );
