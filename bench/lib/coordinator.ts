/**
 * The coordinator under test, as its own process: `server/main.ts` on a
 * fresh SQLite file and an OS-picked loopback port, with a small REST client
 * for the bench. Its memory is read from /proc by pid, so the pid must be
 * the coordinator's own node, not a wrapper such as npx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, cpuSecondsOf, memoryOf, sleep, stopChild } from './proc.ts';

/**
 * Node's flags for the coordinator, read from the `serve` script (which
 * `npm start` runs) of the checkout under test, so the bench measures it as
 * shipped: today a heap limit, without which V8 on a large machine lets
 * garbage grow for hundreds of megabytes between collections.
 */
export function serveNodeFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const words = String(pkg.scripts?.serve ?? '').split(/\s+/);
  // An older checkout's serve script may be `tsx server/main.ts`: no flags.
  if (words[0] !== 'node') return [];
  const end = words.indexOf('--import');
  return words.slice(1, end < 0 ? 1 : end);
}

export const BENCH_KEY = 'tg_bench_admin_key_0123456789abcdef';

export interface CoordinatorOptions {
  /** Directory for `--cpu-prof` output; no profile when unset. */
  cpuProfileDir?: string;
  env?: Record<string, string>;
}

/**
 * Where the coordinator's code is taken from: this tree, or another copy of
 * the repository (`--server-root`, such as an export of the last commit when
 * the shared tree is mid-change). The web app is always this tree's build.
 */
let serverRoot = ROOT;
export function useServerRoot(dir: string): void {
  serverRoot = dir;
}
export function currentServerRoot(): string {
  return serverRoot;
}

export class CoordinatorProcess {
  readonly dir: string;
  readonly dbPath: string;
  url = '';
  private constructor(
    private readonly child: ChildProcess,
    dir: string,
  ) {
    this.dir = dir;
    this.dbPath = join(dir, 'tabgrid.db');
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(
    options: CoordinatorOptions = {},
  ): Promise<CoordinatorProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'tabgrid-bench-'));
    const profile = options.cpuProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
      : [];
    const child = spawn(
      process.execPath,
      [
        ...profile,
        ...serveNodeFlags(serverRoot),
        '--import',
        'tsx',
        'server/main.ts',
        '--db',
        join(dir, 'tabgrid.db'),
        '--port',
        '0',
        '--host',
        '127.0.0.1',
      ],
      {
        cwd: serverRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          TABGRID_ADMIN_KEY: BENCH_KEY,
          // `info` carries only lifecycle lines; the listening line gives the port.
          TABGRID_LOG_LEVEL: 'info',
          // Every simulated volunteer comes from 127.0.0.1.
          TABGRID_MAX_CONNECTIONS_PER_ADDRESS: '50000',
          TABGRID_MAX_REQUESTS_PER_SECOND: '1000',
          TABGRID_WEB_DIR: join(ROOT, 'web', 'dist'),
          ...options.env,
        },
      },
    );
    const coordinator = new CoordinatorProcess(child, dir);
    coordinator.url = await listeningUrl(child);
    return coordinator;
  }

  memory() {
    return memoryOf(this.pid);
  }

  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  /** Bytes of the database file and its write-ahead log. */
  databaseBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        total += statSync(this.dbPath + suffix).size;
      } catch {
        // The WAL may have been checkpointed away.
      }
    }
    return total;
  }

  /** The Prometheus text of `/metrics`. */
  async metrics(): Promise<string> {
    const res = await fetch(this.url + '/metrics', {
      headers: { authorization: `Bearer ${BENCH_KEY}` },
    });
    if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
    return res.text();
  }

  async request(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        authorization: `Bearer ${BENCH_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  }

  /** Polls the job until it ends; throws after `timeoutMs`. */
  async waitForJob(
    jobId: string,
    timeoutMs: number,
    stepMs = 100,
  ): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.request('GET', `/api/jobs/${jobId}`);
      if (['done', 'failed', 'cancelled'].includes(job.state)) return job;
      if (Date.now() > deadline)
        throw new Error(
          `job ${jobId} did not finish in ${timeoutMs} ms: ${JSON.stringify(job.counts)}`,
        );
      await sleep(stepMs);
    }
  }

  /** SIGTERM (the coordinator commits and exits), then removes its files. */
  async stop(): Promise<void> {
    await stopChild(this.child, 15_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function listeningUrl(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('coordinator did not start listening in 30 s')),
      30_000,
    );
    child.once('exit', (code) =>
      reject(new Error(`coordinator exited (${code}) before listening`)),
    );
    lines.on('line', (line) => {
      let entry: { msg?: string; url?: string; level?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'tabgrid listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      } else if ((entry.level ?? 0) >= 40) {
        process.stderr.write(`coordinator: ${line}\n`);
      }
    });
  });
}
