/**
 * The peer's side of scenario 3, in its own process: BullMQ against the
 * bench's Redis. It adds `jobs` trivial jobs in bulk (timed apart), then one
 * Worker at the given concurrency processes them; the rate is jobs over the
 * time from the worker's start to its last `completed` event.
 */
import { Queue, Worker } from 'bullmq';

setTimeout(() => process.exit(3), 60 * 60 * 1000).unref();
process.on('disconnect', () => process.exit(0));

interface RunCommand {
  cmd: 'run';
  port: number;
  jobs: number;
  concurrency: number;
  timeoutMs: number;
}

async function run(command: RunCommand) {
  const connection = {
    host: '127.0.0.1',
    port: command.port,
    maxRetriesPerRequest: null,
  };
  const queue = new Queue('bench', { connection });
  const addStarted = performance.now();
  for (let first = 0; first < command.jobs; first += 1000) {
    const batch = [];
    for (let i = first; i < Math.min(command.jobs, first + 1000); i++)
      batch.push({ name: 'trivial', data: { start: i } });
    await queue.addBulk(batch);
  }
  const addSeconds = (performance.now() - addStarted) / 1000;
  let completed = 0;
  let failed = 0;
  const started = performance.now();
  const worker = new Worker(
    'bench',
    async (job) => (job.data.start as number) * 2,
    {
      connection,
      concurrency: command.concurrency,
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`BullMQ processed ${completed} of ${command.jobs} in time`),
        ),
      command.timeoutMs,
    );
    const check = () => {
      if (completed + failed < command.jobs) return;
      clearTimeout(timer);
      resolve();
    };
    worker.on('completed', () => {
      completed++;
      check();
    });
    worker.on('failed', () => {
      failed++;
      check();
    });
  });
  const processSeconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  return {
    event: 'done',
    addSeconds,
    processSeconds,
    completed,
    failed,
    jobsPerSec: completed / processSeconds,
  };
}

process.on('message', (command: RunCommand) => {
  run(command).then(
    (reply) => process.send!(reply),
    (err: unknown) => process.send!({ event: 'failed', error: String(err) }),
  );
});
process.send!({ event: 'ready' });
