/**
 * An Executor on worker_threads: one thread per slot, each running one task
 * at a time. A task past its timeout, or cancelled, has its thread
 * terminated and replaced, so an endless loop costs one thread restart.
 */
import { Worker } from 'node:worker_threads';
import type {
  Executor,
  TaskOutcome,
  TaskRun,
} from '../../shared/volunteer-client.ts';
import type { WorkerReply, WorkerTask } from './worker.ts';

interface Slot {
  worker: Worker;
  /** False until the thread has loaded: a task's time starts when it can run. */
  ready: boolean;
  busy: {
    leaseId: number;
    finish(outcome: TaskOutcome): void;
    onProgress(f: number): void;
    onCheckpoint(state: unknown): void;
    started: number;
    timer: NodeJS.Timeout;
  } | null;
}

export class ThreadPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly waiting: {
    run: TaskRun;
    resolve(outcome: TaskOutcome): void;
  }[] = [];
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  run(run: TaskRun): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      this.waiting.push({ run, resolve });
      this.dispatch();
    });
  }

  cancel(leaseId: number): void {
    const queued = this.waiting.findIndex(
      (w) => w.run.lease.leaseId === leaseId,
    );
    if (queued >= 0) {
      this.waiting.splice(queued, 1)[0]!.resolve({
        error: { message: 'cancelled', kind: 'crashed' },
        elapsedMs: 0,
      });
      return;
    }
    const slot = this.slots.find((s) => s.busy?.leaseId === leaseId);
    if (slot)
      this.restart(slot, {
        error: { message: 'cancelled', kind: 'crashed' },
        elapsedMs: 0,
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot = {
      worker: null as unknown as Worker,
      ready: false,
      busy: null,
    } as Slot;
    this.attach(slot);
    return slot;
  }

  /**
   * Starts a thread for the slot; replies from a thread the slot has since
   * replaced are ignored.
   */
  private attach(slot: Slot): void {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    slot.worker = worker;
    slot.ready = false;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        if (slot.worker === worker) slot.ready = true;
        return this.dispatch();
      }
      const busy = slot.busy;
      if (slot.worker !== worker || !busy || busy.leaseId !== reply.leaseId)
        return;
      if (reply.type === 'progress') return busy.onProgress(reply.fraction);
      if (reply.type === 'checkpoint') return busy.onCheckpoint(reply.state);
      const elapsedMs = performance.now() - busy.started;
      this.free(slot);
      busy.finish(
        reply.error
          ? { error: reply.error, elapsedMs }
          : { output: reply.output, elapsedMs },
      );
    });
    worker.on('error', (err) => {
      if (slot.worker !== worker) return;
      const elapsedMs = slot.busy ? performance.now() - slot.busy.started : 0;
      this.restart(slot, {
        error: { message: `worker crashed: ${err.message}`, kind: 'crashed' },
        elapsedMs,
      });
    });
    worker.unref();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.busy || this.waiting.length === 0) continue;
      const { run, resolve } = this.waiting.shift()!;
      const { lease, job } = run;
      const started = performance.now();
      const timer = setTimeout(() => {
        this.restart(slot, {
          error: {
            message: `timed out after ${lease.timeoutMs} ms`,
            kind: 'timeout',
          },
          elapsedMs: performance.now() - started,
        });
      }, lease.timeoutMs);
      slot.busy = {
        leaseId: lease.leaseId,
        finish: resolve,
        onProgress: run.onProgress,
        onCheckpoint: run.onCheckpoint,
        started,
        timer,
      };
      const task: WorkerTask = {
        leaseId: lease.leaseId,
        jobId: lease.jobId,
        taskIndex: lease.taskIndex,
        input: lease.input,
        seed: lease.seed,
        codeHash: job.hash,
        code: job.code,
        entry: lease.entry === 'reduce' ? 'reduce' : 'default',
        ...(run.checkpointed !== undefined
          ? { checkpointed: run.checkpointed }
          : {}),
      };
      slot.worker.postMessage(task);
    }
  }

  private free(slot: Slot): void {
    if (slot.busy) clearTimeout(slot.busy.timer);
    slot.busy = null;
    this.dispatch();
  }

  /** Terminates the slot's thread, reports `outcome` for its task, and starts a fresh thread. */
  private restart(slot: Slot, outcome: TaskOutcome): void {
    const busy = slot.busy;
    if (busy) clearTimeout(busy.timer);
    slot.busy = null;
    void slot.worker.terminate();
    if (!this.closed) this.attach(slot);
    busy?.finish(outcome);
    this.dispatch();
  }
}
