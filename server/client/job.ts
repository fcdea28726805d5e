/**
 * A handle on one job. Its view is polled (GET /api/jobs/:id, every
 * `pollIntervalMs`) only while someone listens for `progress` or waits, and
 * never after the job reaches a final state, which it cannot leave. There is
 * no push endpoint yet, so polling is the whole of "live".
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { TabgridApiError, TabgridConnectionError } from './errors.ts';
import type { Http } from './http.ts';
import { readLines } from './streams.ts';
import { FINAL_STATES, type JobView, type ResultLine } from './types.ts';

export interface JobEvents {
  /** The job's view, whenever its state or counts change. */
  progress: [JobView];
  /** Polling gave up; emitted only when something listens for it. */
  error: [Error];
}

export interface WaitOptions {
  signal?: AbortSignal;
}

export interface ResultsOptions extends WaitOptions {
  /** Wait for the job to finish first (the default); false streams what has ended so far. */
  wait?: boolean;
}

/** Consecutive transient poll failures tolerated, with doubling pauses between them. */
const MAX_POLL_RETRIES = 5;

interface Waiter {
  resolve(view: JobView): void;
  reject(err: unknown): void;
}

export class Job extends EventEmitter<JobEvents> {
  readonly id: string;
  readonly #http: Http;
  readonly #pollIntervalMs: number;
  readonly #waiters = new Set<Waiter>();
  #latest: JobView | undefined;
  #final: JobView | undefined;
  #polling = false;

  constructor(http: Http, id: string, pollIntervalMs: number, view?: JobView) {
    super();
    this.id = id;
    this.#http = http;
    this.#pollIntervalMs = pollIntervalMs;
    if (view) this.#observe(view, false);
    // The typed emitter does not name `newListener`; it is still emitted.
    (this as EventEmitter).on('newListener', (event: string) => {
      // The listener is added after this returns; start once it is there.
      if (event === 'progress') queueMicrotask(() => this.#ensurePolling());
    });
  }

  /** The last view fetched, if any. */
  get latest(): JobView | undefined {
    return this.#latest;
  }

  /** Fetches the job's view now. */
  async status(options: WaitOptions = {}): Promise<JobView> {
    const view = await this.#http.json<JobView>(
      'GET',
      `/api/jobs/${encodeURIComponent(this.id)}`,
      { signal: options.signal },
    );
    this.#observe(view, true);
    return view;
  }

  /** Resolves with the final view (done, failed or cancelled). */
  wait(options: WaitOptions = {}): Promise<JobView> {
    if (this.#final) return Promise.resolve(this.#final);
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        resolve: (view) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(view);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      this.#ensurePolling();
    });
  }

  /** Cancels the job; a job already final is left as it is. Returns its view. */
  async cancel(): Promise<JobView> {
    const view = await this.#http.json<JobView>(
      'POST',
      `/api/jobs/${encodeURIComponent(this.id)}/cancel`,
    );
    this.#observe(view, true);
    return view;
  }

  /** Results in task index order, read line by line from the server. */
  async *results(options: ResultsOptions = {}): AsyncGenerator<ResultLine> {
    if (options.wait !== false) await this.wait(options);
    const res = await this.#resultsResponse('jsonl', options.signal);
    const lines = readLines(res.body!);
    for await (const line of this.#guard(lines, options.signal)) {
      yield parseResultLine(line);
    }
  }

  /** The results download as raw bytes (JSON Lines or CSV), without waiting. */
  async *download(
    format: 'jsonl' | 'csv',
    options: WaitOptions = {},
  ): AsyncGenerator<Uint8Array> {
    const res = await this.#resultsResponse(format, options.signal);
    yield* this.#guard(res.body!, options.signal);
  }

  #resultsResponse(format: 'jsonl' | 'csv', signal?: AbortSignal) {
    const query = format === 'csv' ? '?format=csv' : '';
    return this.#http.request(
      'GET',
      `/api/jobs/${encodeURIComponent(this.id)}/results${query}`,
      { signal },
    );
  }

  /** A body that breaks mid-way is a connection error, like any other. */
  async *#guard<T>(
    source: AsyncIterable<T>,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<T> {
    try {
      yield* source;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof TabgridApiError) throw err;
      throw new TabgridConnectionError(this.#http.baseUrl, err);
    }
  }

  #observe(view: JobView, announce: boolean): void {
    const before = this.#latest;
    this.#latest = view;
    const changed =
      !before ||
      before.state !== view.state ||
      JSON.stringify(before.counts) !== JSON.stringify(view.counts);
    if (FINAL_STATES.has(view.state) && !this.#final) {
      this.#final = view;
      for (const w of this.#waiters) w.resolve(view);
      this.#waiters.clear();
    }
    if (announce && changed) this.emit('progress', view);
  }

  #wanted(): boolean {
    return this.#waiters.size > 0 || this.listenerCount('progress') > 0;
  }

  #ensurePolling(): void {
    if (this.#polling || this.#final || !this.#wanted()) return;
    this.#polling = true;
    void this.#pollLoop().finally(() => {
      this.#polling = false;
      // A waiter may have arrived while the loop was deciding to stop.
      this.#ensurePolling();
    });
  }

  async #pollLoop(): Promise<void> {
    let failures = 0;
    while (!this.#final && this.#wanted()) {
      try {
        await this.status();
        failures = 0;
      } catch (err) {
        if (!isTransient(err) || ++failures > MAX_POLL_RETRIES) {
          this.#fail(err as Error);
          return;
        }
      }
      if (this.#final || !this.#wanted()) return;
      await sleep(this.#pollIntervalMs * 2 ** failures);
    }
  }

  #fail(err: Error): void {
    for (const w of this.#waiters) w.reject(err);
    this.#waiters.clear();
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}

/** Worth another try: the network, rate limiting, or a coordinator restarting. */
function isTransient(err: unknown): boolean {
  if (err instanceof TabgridConnectionError) return true;
  return (
    err instanceof TabgridApiError &&
    (err.statusCode === 429 || err.statusCode >= 500)
  );
}

function parseResultLine(line: string): ResultLine {
  try {
    return JSON.parse(line) as ResultLine;
  } catch {
    throw new TabgridApiError({
      statusCode: 200,
      code: 'BAD_RESPONSE',
      message: `a results line is not JSON: ${line.slice(0, 200)}`,
    });
  }
}
