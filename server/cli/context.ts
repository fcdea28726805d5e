/** What every command is given, and how it ends. */
import type { Client } from '../client/index.ts';
import type { Parsed } from './args.ts';
import { UsageError } from './args.ts';
import type { Output } from './output.ts';

export interface Context {
  client: Client;
  command: string;
  values: Parsed['values'];
  positionals: string[];
  stdin: NodeJS.ReadStream;
  stdout: Output;
  stderr: NodeJS.WriteStream;
  /** Aborted by Ctrl-C (SIGINT). */
  signal: AbortSignal;
}

/** Exit statuses, as documented in `tabgrid --help`. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** The job ended with tasks that have no output, or was cancelled. */
  tasksFailed: 3,
  interrupted: 130,
} as const;

/** Ctrl-C: the message says what happened to the job. */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** The command's positional arguments, exactly `names.length` of them. */
export function positionals(ctx: Context, ...names: string[]): string[] {
  const got = ctx.positionals;
  if (got.length < names.length)
    throw new UsageError(
      `'tabgrid ${ctx.command}' needs ${names.slice(got.length).join(' ')}`,
      ctx.command,
    );
  if (got.length > names.length) {
    const wanted = names.length === 0 ? 'no arguments' : names.join(' ');
    throw new UsageError(
      `'tabgrid ${ctx.command}' takes ${wanted}; '${got[names.length]}' is extra`,
      ctx.command,
    );
  }
  return got;
}
