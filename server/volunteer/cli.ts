/**
 * `npm run volunteer -- --url http://127.0.0.1:8080 --slots 4`: a Node
 * volunteer. It runs job code in worker_threads with full Node rights, so use
 * it only with jobs you trust (tests, load, your own cluster).
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { startNodeVolunteer } from './node-volunteer.ts';

const { values } = parseArgs({
  options: {
    url: {
      type: 'string',
      default: process.env.TABGRID_URL ?? 'http://127.0.0.1:8080',
    },
    slots: {
      type: 'string',
      default: String(Math.max(1, availableParallelism() - 1)),
    },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run volunteer -- [--url URL] [--slots N]\n' +
      'Runs trusted job code in worker threads.\n',
  );
  process.exit(0);
}
const slots = Number(values.slots);
if (!Number.isInteger(slots) || slots < 1 || slots > 256) {
  process.stderr.write(
    `volunteer: --slots must be a whole number from 1 to 256, got ${values.slots}\n`,
  );
  process.exit(2);
}
const volunteer = startNodeVolunteer({ url: values.url, slots });
let done = 0;
const show = () =>
  process.stderr.write(
    `\rvolunteer ${volunteer.client.volunteerId ?? '…'} ` +
      `${volunteer.client.state}, ${done} tasks done, ` +
      `${volunteer.client.active.length} running   `,
  );
volunteer.client.on('task:done', () => done++);
volunteer.client.on('state', show);
volunteer.client.on('error', (e) =>
  process.stderr.write(`\nserver said ${e.code}: ${e.message}\n`),
);
const timer = setInterval(show, 1000);
const stop = () => {
  clearInterval(timer);
  process.stderr.write('\n');
  void volunteer.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
