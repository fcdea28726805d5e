/**
 * Entry of the `tabgrid` command (bin/tabgrid.mjs loads this through tsx).
 * Exits once stdout and stderr have taken everything written to them.
 */
import { runCli } from './cli.ts';
import { Interrupted } from './context.ts';

const interrupt = new AbortController();
// The first Ctrl-C asks the command to stop cleanly; a second one kills.
process.once('SIGINT', () => interrupt.abort(new Interrupted('interrupted')));

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // The reader went away (`tabgrid results ID | head`): nothing more to say.
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const status = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
});
process.stdout.write('', () =>
  process.stderr.write('', () => process.exit(status)),
);
