/**
 * A load-generator process, driven by the bench over IPC. Commands:
 * `volunteers` (open simulated volunteers), `pace`, `reset`, `stats`,
 * `echo` (the transport ceiling's client), `close`. Each is answered by one
 * message whose `event` names it, or by `failed` with the error.
 */
import { VolunteerFleet, type VolunteersCommand } from './volunteers.ts';
import { runEcho, type EchoCommand } from './echo.ts';

/** A generator outliving its bench is a bug; this bounds the damage. */
const MAX_LIFETIME_MS = 60 * 60 * 1000;
setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();
process.on('disconnect', () => process.exit(0));

let fleet: VolunteerFleet | null = null;

type Command =
  | ({ cmd: 'volunteers'; timeoutMs: number } & VolunteersCommand)
  | { cmd: 'pace'; ratePerSec: number }
  | { cmd: 'reset' }
  | { cmd: 'stats' }
  | ({ cmd: 'echo' } & EchoCommand)
  | { cmd: 'close' };

async function handle(command: Command): Promise<object> {
  switch (command.cmd) {
    case 'volunteers': {
      fleet = new VolunteerFleet(command);
      const joined = await fleet.open(command.timeoutMs);
      return { event: 'connected', joined };
    }
    case 'pace':
      fleet?.setRate(command.ratePerSec);
      return { event: 'paced' };
    case 'reset':
      fleet?.reset();
      return { event: 'reset' };
    case 'stats':
      return {
        event: 'stats',
        results: fleet?.results ?? 0,
        assigns: fleet?.assigns ?? 0,
        errors: fleet?.errors ?? 0,
        cancels: fleet?.cancels ?? 0,
        latency: fleet?.latency.summary() ?? null,
      };
    case 'echo':
      return { event: 'echoed', ...(await runEcho(command)) };
    case 'close':
      fleet?.close();
      fleet = null;
      return { event: 'closed' };
  }
}

process.on('message', (command: Command) => {
  handle(command).then(
    (reply) => process.send!(reply),
    (err: unknown) => process.send!({ event: 'failed', error: String(err) }),
  );
});
process.send!({ event: 'ready' });
