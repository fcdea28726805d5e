/**
 * Configuration from flags and environment variables: every flag `--foo-bar`
 * has a variable `TABGRID_FOO_BAR` (PORT also works for --port). Flags win.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS, type Limits } from '../shared/limits.ts';

export interface Config {
  port: number;
  host: string;
  db: string;
  webDir: string;
  logLevel: string;
  adminKey: string | undefined;
  commitIntervalMs: number;
  prefetch: number;
  pingIntervalMs: number;
  reconnectGraceMs: number;
  /** Most of a new volunteer's leases that are spot checks (0 turns checks and canaries off). */
  maxCheckRate: number;
  /** SQLite `synchronous` under WAL: `full` fsyncs every commit, `normal` only checkpoints. */
  sync: SyncMode;
  limits: Limits;
}

export const SYNC_MODES = ['full', 'normal'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

interface Setting {
  flag: string;
  env: string;
  default: string | number | undefined;
  doc: string;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const envName = (flag: string) =>
  'TABGRID_' + flag.replace(/-/g, '_').toUpperCase();

const LIMIT_DOCS: Record<keyof Limits, string> = {
  maxFrameBytes: 'largest WebSocket frame from a volunteer',
  maxCodeBytes: 'largest job module',
  maxInputBytes: 'largest single task input (JSON)',
  maxResultBytes: 'largest single task output (JSON)',
  maxBodyBytes: 'largest JSON request body',
  maxUploadBytes: 'largest streamed inputs upload',
  maxTasksPerJob: 'most tasks in one job',
  maxConnectionsPerAddress: 'most volunteer sockets from one IP address',
  maxFramesPerSecond: 'most frames per second from one volunteer socket',
  maxRequestsPerSecond: 'most REST requests per second per API key',
};

/** Every setting with its flag, variable, default and meaning (the README's table). */
export const SETTINGS: Record<string, Setting> = {
  port: {
    flag: 'port',
    env: 'PORT',
    default: 8080,
    doc: 'TCP port to listen on',
  },
  host: {
    flag: 'host',
    env: 'TABGRID_HOST',
    default: '127.0.0.1',
    doc: 'address to bind',
  },
  db: {
    flag: 'db',
    env: 'TABGRID_DB',
    default: './data/tabgrid.db',
    doc: 'SQLite database file',
  },
  webDir: {
    flag: 'web-dir',
    env: 'TABGRID_WEB_DIR',
    default: 'web/dist',
    doc: 'built web app to serve',
  },
  logLevel: {
    flag: 'log-level',
    env: 'TABGRID_LOG_LEVEL',
    default: 'info',
    doc: 'pino log level',
  },
  adminKey: {
    flag: 'admin-key',
    env: 'TABGRID_ADMIN_KEY',
    default: undefined,
    doc: 'the admin API key; generated and printed once when unset',
  },
  commitIntervalMs: {
    flag: 'commit-interval-ms',
    env: 'TABGRID_COMMIT_INTERVAL_MS',
    default: 5,
    doc: 'group-commit tick',
  },
  prefetch: {
    flag: 'prefetch',
    env: 'TABGRID_PREFETCH',
    default: 2,
    doc: 'leases held per volunteer slot',
  },
  pingIntervalMs: {
    flag: 'ping-interval-ms',
    env: 'TABGRID_PING_INTERVAL_MS',
    default: 10_000,
    doc: 'WebSocket ping interval; a missed pong ends the socket',
  },
  reconnectGraceMs: {
    flag: 'reconnect-grace-ms',
    env: 'TABGRID_RECONNECT_GRACE_MS',
    default: 5000,
    doc:
      "how long a disconnected volunteer's started leases wait for it to " +
      'reconnect (a reload resumes checkpointed tasks)',
  },
  maxCheckRate: {
    flag: 'max-check-rate',
    env: 'TABGRID_MAX_CHECK_RATE',
    default: 0.3,
    doc:
      "share of a new volunteer's leases spent re-running settled tasks and " +
      'canaries to test it; falls to 0.02 as it earns credibility (0: none)',
  },
  sync: {
    flag: 'sync',
    env: 'TABGRID_SYNC',
    default: 'normal',
    doc: 'durability: `normal` survives kill -9, `full` also power loss (one fsync per commit)',
  },
  ...Object.fromEntries(
    Object.entries(DEFAULT_LIMITS).map(([name, value]) => [
      name,
      {
        flag: kebab(name),
        env: envName(kebab(name)),
        default: value,
        doc: LIMIT_DOCS[name as keyof Limits],
      },
    ]),
  ),
};

export function loadConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]),
    ),
    strict: true,
  });
  const read = (name: string): string | undefined => {
    const s = SETTINGS[name]!;
    return (
      (values[s.flag] as string | undefined) ??
      env[s.env] ??
      (name === 'port' ? undefined : undefined)
    );
  };
  const str = (name: string) => read(name) ?? String(SETTINGS[name]!.default);
  const num = (name: string): number => {
    const raw = read(name);
    if (raw === undefined) return Number(SETTINGS[name]!.default);
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) {
      throw new Error(
        `--${SETTINGS[name]!.flag} (${SETTINGS[name]!.env}) must be a ` +
          `non-negative number, got ${JSON.stringify(raw)}`,
      );
    }
    return n;
  };
  const share = (name: string): number => {
    const n = num(name);
    if (n > 1)
      throw new Error(
        `--${SETTINGS[name]!.flag} (${SETTINGS[name]!.env}) must be between 0 and 1, got ${n}`,
      );
    return n;
  };
  const limits = Object.fromEntries(
    Object.keys(DEFAULT_LIMITS).map((k) => [k, num(k)]),
  ) as Limits;
  // A volunteer may send 64 results in one frame, each counted as a frame;
  // the allowance (5 s of the rate) must hold one such frame.
  if (limits.maxFramesPerSecond < 20)
    throw new Error(
      `--${SETTINGS.maxFramesPerSecond!.flag} (${SETTINGS.maxFramesPerSecond!.env}) ` +
        `must be at least 20, got ${limits.maxFramesPerSecond}`,
    );
  return {
    port: num('port'),
    host: str('host'),
    db: str('db'),
    webDir: str('webDir'),
    logLevel: str('logLevel'),
    adminKey: read('adminKey'),
    commitIntervalMs: num('commitIntervalMs'),
    prefetch: Math.max(1, num('prefetch')),
    pingIntervalMs: Math.max(100, num('pingIntervalMs')),
    reconnectGraceMs: num('reconnectGraceMs'),
    maxCheckRate: share('maxCheckRate'),
    sync: syncMode(str('sync')),
    limits,
  };
}

function syncMode(raw: string): SyncMode {
  const mode = SYNC_MODES.find((m) => m === raw);
  if (mode) return mode;
  throw new Error(
    `--sync (TABGRID_SYNC) must be one of ${SYNC_MODES.join(', ')}, got ${JSON.stringify(raw)}`,
  );
}
