/**
 * The Node client for tabgrid's REST API:
 *
 *   const client = new Client({ url: 'http://127.0.0.1:8080', key });
 *   const job = await client.submit(spec, { inputs: readInputs() });
 *   job.on('progress', (view) => show(view.counts));
 *   for await (const r of job.results()) use(r);
 *
 * Every failure the server reports throws TabgridApiError with its `code`.
 */
import { Http } from './http.ts';
import { Job, type JobOptions } from './job.ts';
import { jsonLinesBody, rawBody } from './streams.ts';
import type { WatchMode } from './watch.ts';
import type {
  CreatedKey,
  JobSpecInput,
  JobView,
  KeyView,
  WhoAmI,
} from './types.ts';

export { Job } from './job.ts';
export type { JobEvents, ResultsOptions, WaitOptions } from './job.ts';
export type { WatchMode } from './watch.ts';
export { TabgridApiError, TabgridConnectionError } from './errors.ts';
export * from './types.ts';

export interface ClientOptions {
  /** The coordinator's base URL, such as http://127.0.0.1:8080. */
  url: string;
  /** An API key, sent as `Authorization: Bearer <key>`. */
  key?: string | undefined;
  /**
   * How a watched job is followed: the server's event stream (the default;
   * polling when the server has none), or always polling.
   */
  watch?: WatchMode;
  /** Pause between polls, and before reconnecting a dropped stream; default 500. */
  pollIntervalMs?: number;
}

type AnyIterable<T> = AsyncIterable<T> | Iterable<T>;

export interface SubmitOptions {
  /** Inputs streamed as JSON Lines after the job is created; never held whole. */
  inputs?: AnyIterable<unknown>;
  /** Inputs already encoded (a JSON Lines or CSV file), streamed unchanged. */
  upload?: { format: 'jsonl' | 'csv'; body: AnyIterable<Uint8Array | string> };
  /** Aborts the submission; a job already created is then cancelled. */
  signal?: AbortSignal;
}

const CONTENT_TYPES = { jsonl: 'application/x-ndjson', csv: 'text/csv' };

export class Client {
  readonly url: string;
  readonly keys: KeyApi;
  readonly #http: Http;
  readonly #jobOptions: JobOptions;

  constructor(options: ClientOptions) {
    this.#http = new Http(options.url, options.key);
    this.url = this.#http.baseUrl;
    this.#jobOptions = {
      watch: options.watch ?? 'events',
      pollIntervalMs: options.pollIntervalMs ?? 500,
    };
    this.keys = new KeyApi(this.#http);
  }

  /**
   * Creates a job. Without options the spec carries its own inputs (inline,
   * range or tasks). With `inputs` or `upload` the job is created awaiting
   * its inputs and they are streamed to it; if that fails, the job is
   * cancelled, so it does not linger, and the upload's error is thrown.
   */
  async submit(spec: JobSpecInput, options: SubmitOptions = {}): Promise<Job> {
    const { signal } = options;
    const upload = uploadOf(options);
    if (!upload) return this.#job(await this.#create(spec, signal));
    const created = await this.#create({ ...spec, upload: true }, signal);
    const path = `/api/jobs/${encodeURIComponent(created.id)}/inputs`;
    try {
      const view = await this.#http.json<JobView>('POST', path, {
        stream: { body: upload.body, contentType: upload.contentType },
        signal,
      });
      return this.#job(view);
    } catch (err) {
      await this.#http
        .request('POST', `/api/jobs/${encodeURIComponent(created.id)}/cancel`)
        .catch(() => undefined);
      // fetch reports a broken source as its own error; the source's is clearer.
      throw upload.failure() ?? err;
    }
  }

  /** A handle on an existing job; nothing is fetched until it is used. */
  job(id: string): Job {
    return new Job(this.#http, id, this.#jobOptions);
  }

  /** The caller's jobs, newest first. */
  async jobs(
    page: { limit?: number; offset?: number } = {},
  ): Promise<JobView[]> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    const qs = query.size > 0 ? `?${query}` : '';
    const body = await this.#http.json<{ jobs: JobView[] }>(
      'GET',
      `/api/jobs${qs}`,
    );
    return body.jobs;
  }

  /** The key this client sends. */
  whoami(): Promise<WhoAmI> {
    return this.#http.json<WhoAmI>('GET', '/api/whoami');
  }

  #create(spec: unknown, signal: AbortSignal | undefined): Promise<JobView> {
    return this.#http.json<JobView>('POST', '/api/jobs', {
      json: spec,
      signal,
    });
  }

  #job(view: JobView): Job {
    return new Job(this.#http, view.id, this.#jobOptions, view);
  }
}

/** API keys; every call needs the admin key. */
export class KeyApi {
  readonly #http: Http;

  constructor(http: Http) {
    this.#http = http;
  }

  /** Creates a requester key; its secret (`key`) is returned only this once. */
  create(name: string): Promise<CreatedKey> {
    return this.#http.json<CreatedKey>('POST', '/api/keys', { json: { name } });
  }

  async list(): Promise<KeyView[]> {
    return (await this.#http.json<{ keys: KeyView[] }>('GET', '/api/keys'))
      .keys;
  }

  revoke(id: string): Promise<{ id: string; revoked: true }> {
    return this.#http.json('DELETE', `/api/keys/${encodeURIComponent(id)}`);
  }
}

function uploadOf(options: SubmitOptions) {
  if (options.inputs && options.upload)
    throw new TypeError('submit: give inputs or upload, not both');
  if (options.inputs)
    return {
      ...jsonLinesBody(options.inputs),
      contentType: CONTENT_TYPES.jsonl,
    };
  if (options.upload)
    return {
      ...rawBody(options.upload.body),
      contentType: CONTENT_TYPES[options.upload.format],
    };
  return undefined;
}
