/**
 * Live snapshots of one job from `GET /api/jobs/:id/events`, read with fetch
 * and the body stream because EventSource cannot send the Authorization
 * header. The server ends the stream after a finished job's last snapshot;
 * while the job still runs, a dropped stream is opened again after a pause
 * that grows from 1 s to 15 s.
 */
import { ApiError, type Api } from './api.ts';
import { FINAL_STATES, type JobSnapshot } from '../../../shared/api-types.ts';

export interface ServerEvent {
  event: string;
  data: string;
}

/** Splits server-sent event text into events; comments and ids are ignored. */
export class EventParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  push(text: string): ServerEvent[] {
    let pending = this.buffer + text;
    // A trailing CR may be the first half of a CRLF: wait for the next chunk.
    const heldCr = pending.endsWith('\r') ? '\r' : '';
    if (heldCr) pending = pending.slice(0, -1);
    const lines = pending.split(/\r\n|\r|\n/);
    // The last piece may be half a line: keep it for the next chunk.
    this.buffer = (lines.pop() ?? '') + heldCr;
    const out: ServerEvent[] = [];
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0)
          out.push({
            event: this.event || 'message',
            data: this.data.join('\n'),
          });
        this.event = '';
        this.data = [];
      } else if (!line.startsWith(':')) {
        this.field(line);
      }
    }
    return out;
  }

  private field(line: string): void {
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') this.event = value;
    else if (name === 'data') this.data.push(value);
  }
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'ended';

export interface WatchHandlers {
  onSnapshot(snapshot: JobSnapshot): void;
  onState(state: LiveState): void;
  /** A refusal that retrying will not cure (no such job, key refused). */
  onFatal(error: ApiError): void;
}

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 15_000;

/** Follows a job until it finishes or `stop` is called. */
export function watchJob(
  api: Api,
  jobId: string,
  handlers: WatchHandlers,
): () => void {
  const abort = new AbortController();
  void follow(api, jobId, handlers, abort.signal);
  return () => abort.abort();
}

async function follow(
  api: Api,
  jobId: string,
  handlers: WatchHandlers,
  signal: AbortSignal,
): Promise<void> {
  let retryMs = FIRST_RETRY_MS;
  let finished = false;
  handlers.onState('connecting');
  while (!signal.aborted && !finished) {
    try {
      const res = await api.fetch(
        `/api/jobs/${encodeURIComponent(jobId)}/events`,
        { signal, headers: { accept: 'text/event-stream' } },
      );
      handlers.onState('live');
      retryMs = FIRST_RETRY_MS;
      finished = await readSnapshots(res, (snapshot) => {
        handlers.onSnapshot(snapshot);
        return FINAL_STATES.has(snapshot.job.state);
      });
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.status !== 429 && err.status < 500) {
        handlers.onFatal(err);
        return;
      }
    }
    if (finished || signal.aborted) break;
    handlers.onState('reconnecting');
    await pause(retryMs, signal);
    retryMs = Math.min(LAST_RETRY_MS, retryMs * 2);
  }
  if (!signal.aborted) handlers.onState('ended');
}

/** Reads snapshots until the stream ends; true if the last one was final. */
async function readSnapshots(
  res: Response,
  onSnapshot: (snapshot: JobSnapshot) => boolean,
): Promise<boolean> {
  if (!res.body) return false;
  const parser = new EventParser();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let final = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return final;
    for (const event of parser.push(value)) {
      if (event.event !== 'snapshot') continue;
      final = onSnapshot(JSON.parse(event.data) as JobSnapshot);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
