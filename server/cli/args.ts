/**
 * The command line's grammar: global options, the command word, and each
 * command's own options, parsed with node:util's parseArgs. Anything wrong
 * with the words typed is a UsageError (exit status 2).
 */
import { parseArgs } from 'node:util';

export interface OptionDoc {
  type: 'string' | 'boolean';
  short?: string;
  /** What the value is, for help: N, FILE, URL. */
  value?: string;
  doc: string;
}

export type Options = Record<string, OptionDoc>;

export class UsageError extends Error {
  /** The command whose help to point at, if there is one. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

export const GLOBAL_OPTIONS: Options = {
  url: {
    type: 'string',
    value: 'URL',
    doc: 'coordinator URL (env TABGRID_URL; default http://127.0.0.1:8080)',
  },
  key: { type: 'string', value: 'KEY', doc: 'API key (env TABGRID_KEY)' },
  help: { type: 'boolean', short: 'h', doc: 'show help' },
};

export interface Parsed {
  command: string | undefined;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Finds the command word (the first positional, wherever the global options
 * sit) and parses the rest with the global and that command's options.
 */
export function parseCommandLine(
  argv: string[],
  commands: Record<string, { options: Options }>,
): Parsed {
  const takesValue = new Set(
    [GLOBAL_OPTIONS, ...Object.values(commands).map((c) => c.options)]
      .flatMap((o) => Object.entries(o))
      .filter(([, d]) => d.type === 'string')
      .map(([name]) => `--${name}`),
  );
  const at = commandIndex(argv, takesValue);
  const command = at === -1 ? undefined : argv[at];
  if (command !== undefined && !(command in commands))
    throw new UsageError(
      `unknown command '${command}'; commands are ${Object.keys(commands).join(', ')}`,
    );
  const rest = at === -1 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
  const options = {
    ...GLOBAL_OPTIONS,
    ...(command ? commands[command]!.options : {}),
  };
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: toParseArgs(options),
      allowPositionals: true,
      strict: true,
    });
    return { command, values, positionals };
  } catch (err) {
    throw new UsageError(rephrase(err as Error, command), command);
  }
}

function commandIndex(argv: string[], takesValue: Set<string>): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!arg.startsWith('-')) return i;
    if (takesValue.has(arg)) i++;
  }
  return -1;
}

function toParseArgs(options: Options) {
  return Object.fromEntries(
    Object.entries(options).map(([name, d]) => [
      name,
      d.short ? { type: d.type, short: d.short } : { type: d.type },
    ]),
  );
}

/** parseArgs's messages suggest `--` tricks; say plainly what was wrong. */
function rephrase(err: Error, command: string | undefined): string {
  const where = command ? `'tabgrid ${command}'` : 'tabgrid';
  const unknown = /Unknown option '([^']+)'/.exec(err.message);
  if (unknown) return `unknown option ${unknown[1]} for ${where}`;
  const missing = /Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(
    err.message,
  );
  if (missing) return `option ${missing[2]} needs a value`;
  const bool = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(
    err.message,
  );
  if (bool) return `option ${bool[2]} takes no value`;
  return err.message;
}

/** A flag's value as a number, or a UsageError naming the flag. */
export function numberFlag(
  values: Parsed['values'],
  name: string,
  kind: 'integer' | 'number',
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const ok =
    typeof raw === 'string' &&
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    (kind === 'number' || Number.isInteger(n));
  const what = kind === 'integer' ? 'a whole number' : 'a number';
  if (!ok)
    throw new UsageError(`--${name} must be ${what}, got '${String(raw)}'`);
  return n;
}

export function stringFlag(
  values: Parsed['values'],
  name: string,
): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
