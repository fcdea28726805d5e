/** Test helpers: a real coordinator on a temporary SQLite file and a loopback port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type BuildOptions, type Tabgrid } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';

export const ADMIN_KEY = 'tg_test_admin_key_0123456789';

export interface TestServer extends Tabgrid {
  url: string;
  dir: string;
  dbPath: string;
  close(): Promise<void>;
}

export async function startServer(
  options: {
    dir?: string;
    config?: Partial<Config>;
    argv?: string[];
    /** Pino options, e.g. a level and a stream to capture lines from. */
    logger?: BuildOptions['logger'];
  } = {},
): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tabgrid-test-'));
  const dbPath = join(dir, 'tabgrid.db');
  const base = loadConfig(
    ['--db', dbPath, '--port', '0', ...(options.argv ?? [])],
    {},
  );
  const config: Config = {
    ...base,
    adminKey: ADMIN_KEY,
    ...options.config,
    limits: { ...base.limits, ...options.config?.limits },
  };
  const tabgrid = await buildApp({
    config,
    logger:
      options.logger ??
      (process.env.TABGRID_TEST_LOG
        ? { level: process.env.TABGRID_TEST_LOG }
        : false),
  });
  await tabgrid.app.listen({ port: 0, host: '127.0.0.1' });
  const address = tabgrid.app.server.address() as { port: number };
  return {
    ...tabgrid,
    url: `http://127.0.0.1:${address.port}`,
    dir,
    dbPath,
    async close() {
      await tabgrid.app.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small REST client for tests: JSON in, `{ status, body }` out. */
export function api(url: string, key: string) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${key}`, ...headers },
    };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??=
        'application/json';
    }
    const res = await fetch(url + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // JSON Lines and CSV stay text.
    }
    return { status: res.status, body: parsed as any, text };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    del: (path: string) => call('DELETE', path),
  };
}

/**
 * Polls `check` until it returns a value other than undefined or null, or
 * fails after `timeoutMs`.
 */
export async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    // null counts as not yet, like undefined: a status read before it is set.
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the job reaches one of the final states. */
export async function waitForJob(
  client: ReturnType<typeof api>,
  id: string,
  timeoutMs = 60_000,
) {
  return until(
    async () => {
      const res = await client.get(`/api/jobs/${id}`);
      return ['done', 'failed', 'cancelled'].includes(res.body.state)
        ? res.body
        : undefined;
    },
    `job ${id} to finish`,
    timeoutMs,
  );
}

export function parseLines(text: string): any[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
