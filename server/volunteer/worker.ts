/**
 * A worker thread of the Node volunteer: imports a job's module from a data:
 * URL (once per code hash) and runs one task at a time. This is a simulator
 * for trusted code: a worker thread is not a sandbox.
 */
import { parentPort } from 'node:worker_threads';
import { seededRandom } from '../../shared/random.ts';

export interface WorkerTask {
  leaseId: number;
  jobId: string;
  taskIndex: number;
  input: unknown;
  seed: [number, number, number, number];
  codeHash: string;
  code: string;
  entry: 'default' | 'reduce';
  checkpointed?: unknown;
}

export type WorkerReply =
  | { type: 'ready'; leaseId: 0 }
  | { type: 'progress'; leaseId: number; fraction: number }
  | { type: 'checkpoint'; leaseId: number; state: unknown }
  | {
      type: 'done';
      leaseId: number;
      output?: unknown;
      error?: { message: string; stack?: string; kind: 'thrown' };
    };

type JobModule = {
  default: (input: unknown, ctx: unknown) => unknown;
  reduce?: (outputs: unknown, ctx: unknown) => unknown;
};
const modules = new Map<string, Promise<JobModule>>();

function load(hash: string, code: string): Promise<JobModule> {
  let mod = modules.get(hash);
  if (!mod) {
    mod = import(
      'data:text/javascript;base64,' + Buffer.from(code).toString('base64')
    ) as Promise<JobModule>;
    modules.set(hash, mod);
  }
  return mod;
}

async function run(task: WorkerTask): Promise<WorkerReply> {
  try {
    const mod = await load(task.codeHash, task.code);
    const reduce = mod.reduce;
    const fn =
      task.entry === 'reduce'
        ? reduce &&
          ((input: unknown, ctx: unknown) =>
            reduce((input as { outputs: unknown }).outputs, ctx))
        : mod.default;
    if (typeof fn !== 'function') {
      throw new Error(`the job module has no ${task.entry} export function`);
    }
    const ctx = {
      jobId: task.jobId,
      taskIndex: task.taskIndex,
      random: seededRandom(task.seed),
      progress: (fraction: number) =>
        parentPort!.postMessage({
          type: 'progress',
          leaseId: task.leaseId,
          fraction: Number(fraction) || 0,
        }),
      checkpoint: (state: unknown) =>
        parentPort!.postMessage({
          type: 'checkpoint',
          leaseId: task.leaseId,
          state: JSON.parse(JSON.stringify(state ?? null)),
        }),
      checkpointed: task.checkpointed,
      signal: new AbortController().signal,
    };
    const output = await fn(task.input, ctx);
    return {
      type: 'done',
      leaseId: task.leaseId,
      output: output === undefined ? null : output,
    };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      type: 'done',
      leaseId: task.leaseId,
      error: {
        message: e.message,
        ...(e.stack ? { stack: e.stack } : {}),
        kind: 'thrown',
      },
    };
  }
}

parentPort!.on('message', (task: WorkerTask) => {
  void run(task).then((reply) => {
    try {
      parentPort!.postMessage(reply);
    } catch (err) {
      parentPort!.postMessage({
        type: 'done',
        leaseId: task.leaseId,
        error: {
          message: `output cannot be sent: ${(err as Error).message}`,
          kind: 'thrown',
        },
      });
    }
  });
});

parentPort!.postMessage({ type: 'ready', leaseId: 0 });
