/**
 * Path-based routing under `/dashboard`, with history.pushState. The server
 * answers every `/dashboard/*` path with the same page, so a reload or a
 * pasted link lands on the right view.
 */
import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

export const BASE = '/dashboard';

export type Route =
  | { page: 'jobs' }
  | { page: 'job'; id: string }
  | { page: 'new' }
  | { page: 'volunteers' }
  | { page: 'keys' }
  | { page: 'missing'; path: string };

export function parseRoute(pathname: string): Route {
  const rest = pathname.replace(/\/+$/, '').slice(BASE.length);
  if (rest === '' || rest === '/jobs') return { page: 'jobs' };
  if (rest === '/new') return { page: 'new' };
  if (rest === '/volunteers') return { page: 'volunteers' };
  if (rest === '/keys') return { page: 'keys' };
  const job = /^\/jobs\/([^/]+)$/.exec(rest);
  if (job) return { page: 'job', id: decodeURIComponent(job[1]!) };
  return { page: 'missing', path: pathname };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'jobs':
      return BASE;
    case 'job':
      return `${BASE}/jobs/${encodeURIComponent(route.id)}`;
    case 'new':
    case 'volunteers':
    case 'keys':
      return `${BASE}/${route.page}`;
    case 'missing':
      return route.path;
    default:
      return unreachable(route);
  }
}

function unreachable(route: never): never {
  throw new Error(`unknown route ${JSON.stringify(route)}`);
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** The route of the current location, re-rendering on every navigation. */
export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, () => location.pathname);
  return parseRoute(pathname);
}

interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
  current?: boolean;
}

/** An ordinary link that navigates in place; modified clicks open a tab as usual. */
export function Link({ to, children, className, testId, current }: LinkProps) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a
      href={to}
      className={className}
      data-testid={testId}
      aria-current={current ? 'page' : undefined}
      onClick={onClick}
    >
      {children}
    </a>
  );
}
