/**
 * One authenticated request to the coordinator. Every call goes through here,
 * so errors take the same two forms everywhere (see errors.ts).
 */
import {
  TabgridConnectionError,
  TabgridApiError,
  errorFromResponse,
} from './errors.ts';

export interface RequestOptions {
  /** A value sent as JSON. */
  json?: unknown;
  /** A streamed body; `contentType` says what it holds. */
  stream?: { body: ReadableStream<Uint8Array>; contentType: string };
  signal?: AbortSignal | undefined;
}

export class Http {
  readonly baseUrl: string;
  private readonly key: string | undefined;

  constructor(url: string, key: string | undefined) {
    this.baseUrl = normaliseUrl(url);
    this.key = key;
  }

  /** The response, once its status is 2xx; otherwise throws its error. */
  async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.key !== undefined) headers.authorization = `Bearer ${this.key}`;
    const init: RequestInit = { method, headers };
    if (options.signal) init.signal = options.signal;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.json);
    } else if (options.stream) {
      headers['content-type'] = options.stream.contentType;
      init.body = options.stream.body;
      // Node's fetch sends a stream only half-duplex: all of it, then the reply.
      init.duplex = 'half';
    }
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, init);
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new TabgridConnectionError(this.baseUrl, err);
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  /** A request whose 2xx answer is JSON. */
  async json<T>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<T> {
    const res = await this.request(method, path, options);
    const text = await this.text(res);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TabgridApiError({
        statusCode: res.status,
        code: 'BAD_RESPONSE',
        message: `expected JSON from ${method} ${path}, got: ${text.slice(0, 200)}`,
      });
    }
  }

  private async text(res: Response): Promise<string> {
    try {
      return await res.text();
    } catch (err) {
      throw new TabgridConnectionError(this.baseUrl, err);
    }
  }
}

function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url: must be an absolute http(s) URL, got '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`url: must use http or https, got '${url}'`);
  return parsed.toString().replace(/\/+$/, '');
}
