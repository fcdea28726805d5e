/**
 * The page's handle on one sandbox worker. It binds the worker to one job's
 * code for the worker's whole life, passes tasks in through comlink, and
 * listens for progress notices and for the worker failing. The worker is
 * untrusted once job code has run in it: every message from it is checked.
 */
import { wrap, type Remote } from 'comlink';
import {
  CHECKPOINT_KIND,
  PROGRESS_KIND,
  type SandboxApi,
  type SandboxTask,
} from '../sandbox/api.ts';

export type WorkerFactory = () => Worker;

/** Vite bundles this worker on its own, into `dist/sandbox/`. */
export function createSandboxWorker(): Worker {
  return new Worker(new URL('../sandbox/worker.ts', import.meta.url), {
    type: 'module',
    name: 'tabgrid-sandbox',
  });
}

type ProgressListener = (fraction: number) => void;
type CheckpointListener = (state: unknown) => void;

export class SandboxWorker {
  private readonly worker: Worker;
  private readonly api: Remote<SandboxApi>;
  private progress: {
    leaseId: number;
    listener: ProgressListener;
    onCheckpoint: CheckpointListener;
  } | null = null;
  /** The code hash this worker runs, or null before its first task. */
  jobHash: string | null = null;
  /** Called once if the worker fails to start or dies with an error. */
  onCrash: (() => void) | null = null;

  constructor(createWorker: WorkerFactory) {
    this.worker = createWorker();
    this.api = wrap<SandboxApi>(this.worker);
    this.worker.addEventListener('message', (event) =>
      this.receive(event.data),
    );
    // The worker cancels job code's own stray errors, so any error that
    // reaches here means the worker script itself failed.
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.onCrash?.();
    });
  }

  /** Gives this worker its job; it keeps that job until it is terminated. */
  bind(hash: string, code: string): void {
    if (this.jobHash !== null) {
      throw new Error(`worker is bound to ${this.jobHash}, not ${hash}`);
    }
    this.jobHash = hash;
    void this.api.load(hash, code);
  }

  /** Runs a task; resolves with the worker's raw, unchecked answer. */
  run(
    task: SandboxTask,
    onProgress: ProgressListener,
    onCheckpoint: CheckpointListener,
  ): Promise<unknown> {
    this.progress = {
      leaseId: task.leaseId,
      listener: onProgress,
      onCheckpoint,
    };
    return this.api.run(task).finally(() => {
      if (this.progress?.leaseId === task.leaseId) this.progress = null;
    });
  }

  terminate(): void {
    this.progress = null;
    this.onCrash = null;
    this.worker.terminate();
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const notice = data as {
      kind?: unknown;
      leaseId?: unknown;
      fraction?: unknown;
      state?: unknown;
    };
    if (notice.kind === CHECKPOINT_KIND) return this.receiveCheckpoint(notice);
    if (notice.kind !== PROGRESS_KIND) return;
    const { leaseId, fraction } = notice;
    if (typeof fraction !== 'number' || !Number.isFinite(fraction)) return;
    // A notice for a task that has ended, or forged for another, is dropped.
    if (!this.progress || leaseId !== this.progress.leaseId) return;
    this.progress.listener(Math.min(1, Math.max(0, fraction)));
  }

  private receiveCheckpoint(notice: {
    leaseId?: unknown;
    state?: unknown;
  }): void {
    if (!this.progress || notice.leaseId !== this.progress.leaseId) return;
    if (typeof notice.state !== 'string' || notice.state.length > 1_000_000)
      return;
    let state: unknown;
    try {
      state = JSON.parse(notice.state);
    } catch {
      return;
    }
    this.progress.onCheckpoint(state);
  }
}
