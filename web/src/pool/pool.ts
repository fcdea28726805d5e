/**
 * The browser's Executor: a pool of sandbox workers, one per slot, each
 * running one task at a time.
 *
 * Rules it keeps:
 * - A worker runs one job's code in its life. A task of another job takes an
 *   idle unbound worker, or replaces an idle worker of another job.
 * - A task ends in exactly one way: its answer, its deadline (`timeoutMs`
 *   from the start of `run`), a `cancel`, or its worker crashing. Every way
 *   but the answer terminates the worker, and a fresh one takes its place.
 * - Shrinking never stops a running task: surplus workers go when they finish.
 * - An idle worker that crashes is not replaced until a task needs it.
 */
import type { Lease } from '../../../shared/protocol.ts';
import type {
  Executor,
  TaskOutcome,
  TaskRun,
} from '../../../shared/volunteer-client.ts';
import type { SandboxTask } from '../sandbox/api.ts';
import { failure, outcomeOf } from './outcome.ts';
import {
  SandboxWorker,
  createSandboxWorker,
  type WorkerFactory,
} from './sandbox-worker.ts';

/** Longest delay setTimeout keeps; beyond it, timers fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WorkerPoolOptions {
  /** Workers to keep, one per slot. */
  size: number;
  createWorker?: WorkerFactory;
}

interface Slot {
  sandbox: SandboxWorker;
  /** The task running now; `end` settles it and disposes of the worker. */
  current: Running | null;
}

interface Running {
  leaseId: number;
  startedMs: number;
  end(outcome: TaskOutcome, keep: boolean): void;
}

export class WorkerPool implements Executor {
  private readonly createWorker: WorkerFactory;
  private readonly slots: Slot[] = [];
  private sizeValue = 0;

  constructor(options: WorkerPoolOptions) {
    this.createWorker = options.createWorker ?? createSandboxWorker;
    this.resize(options.size);
  }

  get size(): number {
    return this.sizeValue;
  }

  /** Live workers, busy or idle; above `size` only while surplus ones finish. */
  get workerCount(): number {
    return this.slots.length;
  }

  get busyCount(): number {
    return this.slots.filter((s) => s.current).length;
  }

  resize(size: number): void {
    this.sizeValue = Math.max(0, Math.floor(size));
    for (const slot of this.slots.filter((s) => !s.current)) {
      if (this.slots.length <= this.sizeValue) break;
      this.remove(slot);
    }
    while (this.slots.length < this.sizeValue) this.spawn();
  }

  run({
    lease,
    job,
    onProgress,
    onCheckpoint,
    checkpointed,
  }: TaskRun): Promise<TaskOutcome> {
    const startedMs = performance.now();
    const elapsed = () => performance.now() - startedMs;
    const slot = this.acquire(job.hash, job.code);
    return new Promise<TaskOutcome>((resolve) => {
      const end = (outcome: TaskOutcome, keep: boolean) => {
        if (slot.current !== current) return;
        slot.current = null;
        clearTimeout(timer);
        if (keep) this.release(slot);
        else this.replace(slot);
        resolve(outcome);
      };
      const current: Running = { leaseId: lease.leaseId, startedMs, end };
      slot.current = current;
      const timeoutMs = Math.min(MAX_TIMER_MS, Math.max(0, lease.timeoutMs));
      const timer = setTimeout(() => {
        const message = `timed out after ${lease.timeoutMs} ms`;
        end(failure(message, 'timeout', elapsed()), false);
      }, timeoutMs);
      const task = toSandboxTask(lease, job.hash, checkpointed);
      slot.sandbox.run(task, onProgress, onCheckpoint).then(
        (answer) => end(outcomeOf(answer, elapsed()), true),
        () => end(failure('sandbox call failed', 'crashed', elapsed()), false),
      );
    });
  }

  cancel(leaseId: number): void {
    const slot = this.slots.find((s) => s.current?.leaseId === leaseId);
    slot?.current?.end(failure('cancelled', 'crashed', 0), false);
  }

  /** Cancels every task and terminates every worker; `resize` starts afresh. */
  close(): void {
    this.sizeValue = 0;
    for (const slot of [...this.slots]) {
      if (slot.current)
        slot.current.end(failure('cancelled', 'crashed', 0), false);
      else this.remove(slot);
    }
  }

  private acquire(hash: string, code: string): Slot {
    const idle = this.slots.filter((s) => !s.current);
    let slot =
      idle.find((s) => s.sandbox.jobHash === hash) ??
      idle.find((s) => s.sandbox.jobHash === null);
    if (!slot) {
      const stale = idle[0];
      if (stale && this.slots.length >= this.sizeValue) this.remove(stale);
      // The client never runs more tasks than slots; past `size` only while shrinking.
      slot = this.spawn();
    }
    if (slot.sandbox.jobHash === null) slot.sandbox.bind(hash, code);
    return slot;
  }

  private spawn(): Slot {
    const slot: Slot = {
      sandbox: new SandboxWorker(this.createWorker),
      current: null,
    };
    slot.sandbox.onCrash = () => {
      const running = slot.current;
      // Not refilled: a script that cannot load would crash its successors in a loop.
      if (!running) return this.remove(slot);
      const elapsedMs = performance.now() - running.startedMs;
      running.end(
        failure('sandbox worker crashed', 'crashed', elapsedMs),
        false,
      );
    };
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    if (this.slots.length > this.sizeValue) this.remove(slot);
  }

  private replace(slot: Slot): void {
    this.remove(slot);
    while (this.slots.length < this.sizeValue) this.spawn();
  }

  private remove(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.sandbox.terminate();
  }
}

function toSandboxTask(
  lease: Lease,
  hash: string,
  checkpointed: unknown,
): SandboxTask {
  return {
    entry: lease.entry === 'reduce' ? 'reduce' : 'default',
    ...(checkpointed !== undefined ? { checkpointed } : {}),
    leaseId: lease.leaseId,
    jobId: lease.jobId,
    hash,
    taskIndex: lease.taskIndex,
    input: lease.input,
    seed: lease.seed,
    timeoutMs: lease.timeoutMs,
  };
}
