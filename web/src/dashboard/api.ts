/**
 * The REST client of the dashboard: every call sends the API key in the
 * Authorization header, and every refusal becomes an ApiError carrying the
 * server's body (`code`, `message`, and `field`, `line`, `column` when the
 * server names where the fault is).
 */
import type { ErrorBody } from '../../../shared/errors.ts';
import type { WhoAmI } from '../../../shared/api-types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(status: number, body: Partial<ErrorBody>) {
    super(body.message ?? `request failed with HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code ?? 'HTTP_' + status;
    this.field = body.field;
    this.line = body.line;
    this.column = body.column;
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
  /** Sends a Blob or File as the body, so the browser streams it from disk. */
  upload<T>(path: string, file: Blob, contentType: string): Promise<T>;
  /** A raw response, already checked for a refusal, for streams and downloads. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * `onUnauthorized` runs when the server refuses the key itself (revoked or
 * unknown), so the page can sign out instead of failing call after call.
 */
export function createApi(key: string, onUnauthorized: () => void): Api {
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${key}`);
    const res = await fetch(path, { ...init, headers });
    if (res.ok) return res;
    const error = new ApiError(res.status, await errorBody(res));
    if (res.status === 401) onUnauthorized();
    throw error;
  };
  const json = async <T>(path: string, init?: RequestInit): Promise<T> =>
    (await (await send(path, init)).json()) as T;
  return {
    get: (path) => json(path),
    post: (path, body) =>
      json(path, {
        method: 'POST',
        ...(body === undefined
          ? {}
          : {
              body: JSON.stringify(body),
              headers: { 'content-type': 'application/json' },
            }),
      }),
    del: (path) => json(path, { method: 'DELETE' }),
    upload: (path, file, contentType) =>
      json(path, {
        method: 'POST',
        body: file,
        headers: { 'content-type': contentType },
      }),
    fetch: send,
  };
}

/** Asks who a key belongs to, without a signed-in session around it. */
export async function whoIs(key: string): Promise<WhoAmI> {
  return createApi(key, () => {}).get('/api/whoami');
}

async function errorBody(res: Response): Promise<Partial<ErrorBody>> {
  try {
    return (await res.json()) as Partial<ErrorBody>;
  } catch {
    return { message: `HTTP ${res.status} ${res.statusText}`.trim() };
  }
}

/** The message to show for any error a call may throw. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
