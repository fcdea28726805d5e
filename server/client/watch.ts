/**
 * Following one job's view until it is final or the caller stops: by the
 * server's event stream (GET /api/jobs/:id/events) when it has one, else by
 * polling GET /api/jobs/:id. A dropped stream or a failed poll that looks
 * transient (network, 429, 5xx) is retried with doubling pauses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TabgridApiError, TabgridConnectionError } from './errors.ts';
import type { Http } from './http.ts';
import { readEvents } from './streams.ts';
import type { JobView } from './types.ts';

/** How a job is followed: `events` falls back to `poll` on a server without them. */
export type WatchMode = 'events' | 'poll';

export interface WatchOptions {
  mode: WatchMode;
  pollIntervalMs: number;
  /** Aborted when nobody wants the views any more. */
  signal: AbortSignal;
  onView(view: JobView): void;
  /** True once the job is final; the watch then ends. */
  isDone(): boolean;
}

/** Consecutive transient failures tolerated before giving up. */
const MAX_RETRIES = 5;

/** Resolves when the job is final or the signal aborts; rejects when it gives up. */
export async function watchJob(
  http: Http,
  id: string,
  options: WatchOptions,
): Promise<void> {
  const { signal } = options;
  let mode = options.mode;
  let failures = 0;
  while (!signal.aborted && !options.isDone()) {
    try {
      if (mode === 'events') await followEvents(http, id, options);
      else options.onView(await fetchView(http, id, signal));
      failures = 0;
    } catch (err) {
      if (signal.aborted) return;
      // An older server has no events route; a missing job shows up in the poll.
      if (mode === 'events' && isNotFound(err)) {
        mode = 'poll';
        continue;
      }
      if (!isTransient(err) || ++failures > MAX_RETRIES) throw err;
    }
    if (options.isDone()) return;
    await sleep(options.pollIntervalMs * 2 ** failures, undefined, {
      signal,
    }).catch(() => undefined);
  }
}

export function fetchView(
  http: Http,
  id: string,
  signal?: AbortSignal,
): Promise<JobView> {
  return http.json<JobView>('GET', `/api/jobs/${encodeURIComponent(id)}`, {
    signal,
  });
}

/** Reads snapshots until the stream ends (normally, after a final one). */
async function followEvents(
  http: Http,
  id: string,
  options: WatchOptions,
): Promise<void> {
  const res = await http.request(
    'GET',
    `/api/jobs/${encodeURIComponent(id)}/events`,
    { signal: options.signal },
  );
  try {
    for await (const event of readEvents(res.body!)) {
      if (event.event !== 'snapshot') continue;
      options.onView(parseSnapshot(event.data).job);
      if (options.isDone()) return;
    }
  } catch (err) {
    if (err instanceof TabgridApiError) throw err;
    throw new TabgridConnectionError(http.baseUrl, err);
  }
}

function parseSnapshot(data: string): { job: JobView } {
  try {
    return JSON.parse(data) as { job: JobView };
  } catch {
    throw new TabgridApiError({
      statusCode: 200,
      code: 'BAD_RESPONSE',
      message: `an event is not JSON: ${data.slice(0, 200)}`,
    });
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof TabgridApiError && err.statusCode === 404;
}

/** Worth another try: the network, rate limiting, or a coordinator restarting. */
function isTransient(err: unknown): boolean {
  if (err instanceof TabgridConnectionError) return true;
  return (
    err instanceof TabgridApiError &&
    (err.statusCode === 429 || err.statusCode >= 500)
  );
}
