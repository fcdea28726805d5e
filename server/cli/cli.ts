/**
 * The tabgrid command line: parse, run one command, and turn whatever went
 * wrong into one line on stderr and an exit status. No stack traces reach the
 * user unless TABGRID_DEBUG is set.
 */
import {
  Client,
  TabgridApiError,
  TabgridConnectionError,
} from '../client/index.ts';
import { parseCommandLine, stringFlag, UsageError } from './args.ts';
import { COMMANDS } from './commands.ts';
import { EXIT, Interrupted } from './context.ts';
import { commandHelp, mainHelp } from './help.ts';
import { FLAG_OF_FIELD } from './job-spec.ts';
import { Output } from './output.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const stdout = new Output(io.stdout);
  let keyGiven = false;
  let command: string | undefined;
  try {
    // `tabgrid help [COMMAND]` reads as `tabgrid [COMMAND] --help`.
    const words = argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
    const parsed = parseCommandLine(words, COMMANDS);
    const { values, positionals } = parsed;
    command = parsed.command;
    if (command === undefined) {
      if (values.help !== true) throw new UsageError('no command given');
      io.stdout.write(mainHelp(COMMANDS));
      return EXIT.ok;
    }
    const def = COMMANDS[command]!;
    if (values.help === true) {
      io.stdout.write(commandHelp(def));
      return EXIT.ok;
    }
    const key = stringFlag(values, 'key') ?? nonEmpty(io.env.TABGRID_KEY);
    keyGiven = key !== undefined;
    const url =
      stringFlag(values, 'url') ?? nonEmpty(io.env.TABGRID_URL) ?? DEFAULT_URL;
    const client = new Client({ url, key });
    const status = await def.run({
      client,
      command,
      values,
      positionals,
      stdin: io.stdin,
      stdout,
      stderr: io.stderr,
      signal: io.signal,
    });
    await stdout.flush();
    return status;
  } catch (err) {
    await stdout.flush().catch(() => undefined);
    return report(err, io, keyGiven, command);
  }
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

function report(
  err: unknown,
  io: Io,
  keyGiven: boolean,
  command: string | undefined,
): number {
  const say = (text: string) => io.stderr.write(`tabgrid: ${text}\n`);
  if (err instanceof UsageError) {
    const where = err.command ?? command;
    say(err.message);
    say(`see 'tabgrid ${where ? `${where} ` : ''}--help'`);
    return EXIT.usage;
  }
  if (err instanceof Interrupted) {
    say(err.message);
    return EXIT.interrupted;
  }
  if (err instanceof TabgridApiError) {
    say(`${err.message} (${err.code})`);
    const hint = hintFor(err, keyGiven);
    if (hint) say(hint);
    return EXIT.error;
  }
  if (err instanceof TabgridConnectionError) {
    say(err.message);
    say('is the coordinator running there? set --url or TABGRID_URL');
    return EXIT.error;
  }
  const fileError = describeFileError(err);
  if (fileError) {
    say(fileError);
    return EXIT.error;
  }
  // The URL check in the client throws TypeError naming `url`.
  if (err instanceof TypeError && /^url: /.test(err.message)) {
    say(`--url ${err.message.slice(5)}`);
    return EXIT.usage;
  }
  say(`unexpected error: ${(err as Error)?.message ?? String(err)}`);
  if (io.env.TABGRID_DEBUG) io.stderr.write(`${(err as Error)?.stack}\n`);
  else say('set TABGRID_DEBUG=1 to see where it came from');
  return EXIT.error;
}

function hintFor(err: TabgridApiError, keyGiven: boolean): string | undefined {
  if (err.code === 'UNAUTHORIZED' && !keyGiven)
    return 'no API key given: pass --key KEY or set TABGRID_KEY';
  if (err.code === 'PAYLOAD_TOO_LARGE' && err.field === 'body')
    return 'large inputs stream better as a .jsonl or .csv file';
  const flag = err.field === undefined ? undefined : FLAG_OF_FIELD[err.field];
  if (flag) return `check ${flag}`;
  return undefined;
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

function describeFileError(err: unknown): string | undefined {
  const e = err as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof e?.code !== 'string' || typeof e.path !== 'string')
    return undefined;
  const why = FILE_ERRORS[e.code] ?? e.code;
  return `cannot ${e.syscall === 'open' ? 'open' : 'read'} ${e.path}: ${why}`;
}
