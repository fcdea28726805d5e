/**
 * Who is signed in. The API key lives in sessionStorage, so it goes when the
 * tab closes and never appears in a URL; a key the server stops accepting
 * (revoked while the page is open) signs the page out with the reason.
 */
import { useSyncExternalStore } from 'react';
import { ApiError, createApi, messageOf, whoIs, type Api } from './api.ts';
import type { WhoAmI } from '../../../shared/api-types.ts';

const STORAGE_KEY = 'tabgrid.apiKey';

export interface Session {
  who: WhoAmI;
  api: Api;
}

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; session: Session };

let state: SessionState = { status: 'checking' };
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, () => state);
}

/** Checks the key with the server; throws the server's refusal. */
export async function signIn(key: string): Promise<void> {
  const trimmed = key.trim();
  const who = await whoIs(trimmed);
  sessionStorage.setItem(STORAGE_KEY, trimmed);
  const api = createApi(trimmed, () =>
    signOut('The server no longer accepts this API key. Sign in again.'),
  );
  set({ status: 'signed-in', session: { who, api } });
}

export function signOut(notice?: string): void {
  if (state.status === 'signed-out') return;
  sessionStorage.removeItem(STORAGE_KEY);
  set(notice ? { status: 'signed-out', notice } : { status: 'signed-out' });
}

/** Signs back in with the key of this tab's session, if there is one. */
export async function restoreSession(): Promise<void> {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (!saved) {
    set({ status: 'signed-out' });
    return;
  }
  try {
    await signIn(saved);
  } catch (err) {
    // Forget only a key the server refused; an unreachable server may come back.
    if (err instanceof ApiError && err.status === 401)
      sessionStorage.removeItem(STORAGE_KEY);
    set({ status: 'signed-out', notice: messageOf(err) });
  }
}
