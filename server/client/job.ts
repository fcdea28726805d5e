/**
 * A handle on one job. Its view is followed (see watch.ts) only while
 * someone listens for `progress` or waits, and never after the job reaches a
 * final state, which it cannot leave. When the last listener or waiter goes,
 * the watch stops, so an idle handle holds no connection open.
 */
import { EventEmitter } from 'node:events';
import { TabgridApiError, TabgridConnectionError } from './errors.ts';
import type { Http } from './http.ts';
import { readLines } from './streams.ts';
import { FINAL_STATES, type JobView, type ResultLine } from './types.ts';
import { fetchView, watchJob, type WatchMode } from './watch.ts';

export interface JobEvents {
  /** The job's view, whenever its state or counts change. */
  progress: [JobView];
  /** Following the job gave up; emitted only when something listens for it. */
  error: [Error];
}

export interface WaitOptions {
  signal?: AbortSignal;
}

export interface ResultsOptions extends WaitOptions {
  /** Wait for the job to finish first (the default); false streams what has ended so far. */
  wait?: boolean;
}

export interface JobOptions {
  watch: WatchMode;
  pollIntervalMs: number;
}

interface Waiter {
  resolve(view: JobView): void;
  reject(err: unknown): void;
}

export class Job extends EventEmitter<JobEvents> {
  readonly id: string;
  readonly #http: Http;
  readonly #options: JobOptions;
  readonly #waiters = new Set<Waiter>();
  #latest: JobView | undefined;
  #final: JobView | undefined;
  /** Stops the running watch; undefined when none runs. */
  #watching: AbortController | undefined;

  constructor(http: Http, id: string, options: JobOptions, view?: JobView) {
    super();
    this.id = id;
    this.#http = http;
    this.#options = options;
    if (view) this.#observe(view, false);
    // The typed emitter does not name these events; Node emits them anyway.
    const untyped = this as EventEmitter;
    untyped.on('newListener', (event: string) => {
      // The listener is added after this returns; look once it is there.
      if (event === 'progress') queueMicrotask(() => this.#ensureWatching());
    });
    untyped.on('removeListener', (event: string) => {
      if (event === 'progress') this.#stopIfUnwanted();
    });
  }

  /** The last view seen, if any. */
  get latest(): JobView | undefined {
    return this.#latest;
  }

  /** Fetches the job's view now. */
  async status(options: WaitOptions = {}): Promise<JobView> {
    const view = await fetchView(this.#http, this.id, options.signal);
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
        this.#stopIfUnwanted();
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
      this.#ensureWatching();
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

  #ensureWatching(): void {
    if (this.#watching || this.#final || !this.#wanted()) return;
    const controller = new AbortController();
    this.#watching = controller;
    let failed = false;
    watchJob(this.#http, this.id, {
      mode: this.#options.watch,
      pollIntervalMs: this.#options.pollIntervalMs,
      signal: controller.signal,
      onView: (view) => this.#observe(view, true),
      isDone: () => this.#final !== undefined,
    })
      .catch((err: Error) => {
        failed = true;
        this.#fail(err);
      })
      .finally(() => {
        this.#watching = undefined;
        // Someone may have come while the watch was ending. After a failure
        // only a new waiter restarts it, so listeners alone cannot spin.
        if (!failed || this.#waiters.size > 0) this.#ensureWatching();
      });
  }

  #stopIfUnwanted(): void {
    if (!this.#wanted()) this.#watching?.abort();
  }

  #fail(err: Error): void {
    for (const w of this.#waiters) w.reject(err);
    this.#waiters.clear();
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
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
