/**
 * Scenario 3, the peer: BullMQ with a local Redis on a loopback port, the
 * same number of trivial jobs as scenario 2's tasks, one worker at
 * concurrency 100. Redis runs without persistence (`--save "" --appendonly
 * no`), BullMQ's fastest setting, while tabgrid fsyncs every group commit:
 * the comparison leans towards the peer. Without `redis-server` the
 * scenario is skipped and says how to install it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import {
  ask,
  forkScript,
  memoryOf,
  nextMessage,
  stopChild,
} from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import type { BenchContext } from './context.ts';

const CONCURRENCY = 100;
const INSTALL =
  'redis-server is not installed; install it with `apt-get install -y redis-server`';

interface PeerRun {
  addSeconds: number;
  processSeconds: number;
  completed: number;
  failed: number;
  jobsPerSec: number;
}

export async function peerScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const title = '3. Peer: BullMQ on local Redis';
  const redis = await startRedis().catch((err: Error) => err);
  if (redis instanceof Error)
    return {
      title,
      columns: [],
      rows: [],
      data: { skipped: true },
      skipped: redis.message,
    };
  const peer = forkScript('peer/bullmq.ts');
  try {
    await nextMessage(
      peer,
      (m) => m?.event === 'ready',
      30_000,
      'BullMQ process',
    );
    const jobs = ctx.sizes.throughputTasks;
    const run = await ask<PeerRun>(
      peer,
      {
        cmd: 'run',
        port: redis.port,
        jobs,
        concurrency: CONCURRENCY,
        timeoutMs: 20 * 60_000,
      },
      'done',
      21 * 60_000,
    );
    const redisRssMb = memoryOf(redis.child.pid!).peakRssMb;
    const most = Math.max(...ctx.sizes.volunteerCounts);
    const ours = ctx.throughput.get(most)?.settledPerSec ?? NaN;
    const vsBullmq = ours / run.jobsPerSec;
    return {
      title,
      columns: [
        'jobs',
        'concurrency',
        'add seconds',
        'process seconds',
        'jobs/s',
        `tabgrid settled/s (${most} vol.)`,
        'ratio tabgrid ÷ BullMQ',
      ],
      rows: [
        [
          jobs,
          CONCURRENCY,
          run.addSeconds,
          run.processSeconds,
          run.jobsPerSec,
          ours,
          vsBullmq,
        ],
      ],
      data: {
        jobs,
        concurrency: CONCURRENCY,
        addSeconds: round(run.addSeconds),
        processSeconds: round(run.processSeconds),
        jobsPerSec: round(run.jobsPerSec),
        failed: run.failed,
        redisPeakRssMb: round(redisRssMb),
        vsBullmq: round(vsBullmq),
        redisPersistence: 'none (--save "" --appendonly no)',
      },
    };
  } finally {
    await stopChild(peer);
    await stopChild(redis.child);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRedis(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--dir',
      '/tmp',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('redis-server did not become ready in 15 s'));
    }, 15_000);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new Error(INSTALL) : err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, port });
    });
  });
}
