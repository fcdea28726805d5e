/**
 * The fleet CLI's flags, parsed into FleetOptions plus when to stop. Every
 * bad value is refused with a message that names the flag.
 */
import { parseArgs } from 'node:util';
import { resolveFleetOptions, type ChurnAction } from './options.ts';
import type { FleetOptions } from './options.ts';

export interface CliOptions {
  fleet: FleetOptions;
  /** Stop after this long; undefined runs until idle or until Ctrl-C. */
  durationS: number | undefined;
  /** Stop once no job of `key` is queued or running. */
  untilIdle: boolean;
  key: string | undefined;
  help: boolean;
}

export const USAGE = `usage: npm run fleet -- --url URL --tabs N [options]

Opens N volunteer tabs in Debian's Chromium, each its own volunteer.

  --url URL          coordinator origin (default $TABGRID_URL or http://127.0.0.1:8080)
  --tabs N           volunteer tabs to keep open (default 2)
  --workers W        workers per tab (default 1)
  --duration S       stop after S seconds
  --until-idle       stop once no job is queued or running (needs --key)
  --key KEY          API key whose jobs --until-idle watches (default $TABGRID_KEY)
  --churn RATE       churn events per tab per minute: a random tab is closed and
                     replaced, reloaded, or taken offline (default 0)
  --churn-actions L  which of close,reload,offline churn may do (default all)
  --offline-ms MS    how long an offline event lasts (default 5000)
  --saboteurs F      fraction of tabs returning random wrong outputs
  --colluders F      fraction of tabs returning one agreed wrong output per task
  --seed N           seed for roles and churn, to repeat a run
  --chromium PATH    Chromium executable (default /usr/bin/chromium)
`;

class UsageError extends Error {
  override name = 'UsageError';
}

export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError;
}

export function parseCliArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): CliOptions {
  const { values } = parseFlags(argv);
  if (values.help) return { ...defaults(env), help: true };
  const number = (flag: string) =>
    numberFlag(flag, (values as Record<string, unknown>)[flag]);
  const fleet: FleetOptions = {
    url: values.url ?? env.TABGRID_URL ?? 'http://127.0.0.1:8080',
    tabs: number('tabs') ?? 2,
    ...optional('workers', number('workers')),
    ...optional('churn', number('churn')),
    ...optional('offlineMs', number('offline-ms')),
    ...optional('saboteurs', number('saboteurs')),
    ...optional('colluders', number('colluders')),
    ...optional('seed', number('seed')),
    ...optional('executablePath', values.chromium),
    ...optional('churnActions', actionList(values['churn-actions'])),
  };
  try {
    resolveFleetOptions(fleet);
  } catch (err) {
    throw new UsageError(flagged((err as Error).message));
  }
  const durationS = number('duration');
  if (durationS !== undefined && !(durationS > 0))
    throw new UsageError(`--duration must be more than 0 seconds`);
  const key = values.key ?? env.TABGRID_KEY;
  if (values['until-idle'] && !key)
    throw new UsageError(
      '--until-idle needs an API key to list jobs: pass --key or set TABGRID_KEY',
    );
  return {
    fleet,
    durationS,
    untilIdle: values['until-idle'] ?? false,
    key,
    help: false,
  };
}

function parseFlags(argv: string[]) {
  const text = { type: 'string' } as const;
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: text,
        tabs: text,
        workers: text,
        duration: text,
        'until-idle': { type: 'boolean' },
        key: text,
        churn: text,
        'churn-actions': text,
        'offline-ms': text,
        saboteurs: text,
        colluders: text,
        seed: text,
        chromium: text,
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function defaults(env: NodeJS.ProcessEnv): CliOptions {
  return {
    fleet: { url: env.TABGRID_URL ?? 'http://127.0.0.1:8080', tabs: 2 },
    durationS: undefined,
    untilIdle: false,
    key: undefined,
    help: false,
  };
}

function numberFlag(flag: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n))
    throw new UsageError(
      `--${flag} must be a number, got ${JSON.stringify(raw)}`,
    );
  return n;
}

function actionList(raw: string | undefined): ChurnAction[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((a) => a.trim()) as ChurnAction[];
}

function optional<K extends string, V>(key: K, value: V | undefined) {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

/** Library messages name options in camelCase; the CLI's flags are kebab-case. */
function flagged(message: string): string {
  const [name, ...rest] = message.split(' ');
  const flag = (name ?? '').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  const known = [
    'url',
    'tabs',
    'workers',
    'churn',
    'churn-actions:',
    'offline-ms',
    'saboteurs',
    'colluders',
  ];
  return known.includes(flag) ? `--${flag} ${rest.join(' ')}` : message;
}
