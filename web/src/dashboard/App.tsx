/** The dashboard: sign in, then a header with navigation over one page per route. */
import { JobPage } from './JobPage.tsx';
import { JobsList } from './JobsList.tsx';
import { KeysPage } from './KeysPage.tsx';
import { NewJob } from './NewJob.tsx';
import { BASE, Link, useRoute, type Route } from './router.tsx';
import { signOut, useSession, type Session } from './session.ts';
import { SignIn } from './SignIn.tsx';
import { VolunteersPage } from './VolunteersPage.tsx';

export function App() {
  const state = useSession();
  if (state.status === 'checking')
    return <p className="checking">Checking your key…</p>;
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  return <Shell session={state.session} />;
}

function Shell({ session }: { session: Session }) {
  const route = useRoute();
  return (
    <div className="shell">
      <Header session={session} route={route} />
      <main className="content">
        <Page session={session} route={route} />
      </main>
    </div>
  );
}

function Header({ session, route }: { session: Session; route: Route }) {
  const { who } = session;
  const tab = (page: Route['page'], to: string, label: string) => (
    <Link
      to={to}
      testId={`nav-${page}`}
      current={route.page === page || (page === 'jobs' && route.page === 'job')}
    >
      {label}
    </Link>
  );
  return (
    <header className="topbar">
      <Link to={BASE} className="brand">
        tabgrid
      </Link>
      <nav aria-label="Dashboard">
        {tab('jobs', BASE, 'Jobs')}
        {tab('new', `${BASE}/new`, 'New job')}
        {tab('volunteers', `${BASE}/volunteers`, 'Volunteers')}
        {who.role === 'admin' ? tab('keys', `${BASE}/keys`, 'Keys') : null}
      </nav>
      <div className="who">
        <span data-testid="who-name" title={who.id}>
          {who.name}
        </span>
        {who.role === 'admin' ? <span className="badge">admin</span> : null}
        <button
          type="button"
          className="quiet small"
          data-testid="sign-out-button"
          onClick={() => signOut()}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}

function Page({ session, route }: { session: Session; route: Route }) {
  const { api, who } = session;
  switch (route.page) {
    case 'jobs':
      return <JobsList api={api} />;
    case 'job':
      return <JobPage key={route.id} api={api} jobId={route.id} />;
    case 'new':
      return <NewJob api={api} />;
    case 'volunteers':
      return <VolunteersPage api={api} />;
    case 'keys':
      return who.role === 'admin' ? (
        <KeysPage api={api} />
      ) : (
        <p className="card">Only the admin key can create and revoke keys.</p>
      );
    case 'missing':
      return (
        <section className="card" data-testid="page-missing">
          <h1>Nothing here</h1>
          <p>
            No dashboard page at <code>{route.path}</code>.{' '}
            <Link to={BASE}>Back to your jobs</Link>.
          </p>
        </section>
      );
    default:
      return route satisfies never;
  }
}
