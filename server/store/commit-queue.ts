/**
 * Group commit: changes gather in the open batch and are committed in one
 * transaction per tick. Whoever must wait for durability (an `ack` to a
 * volunteer) passes a callback to `afterCommit`; it runs once the batch that
 * holds its change is on disk. A failed commit is fatal: memory and disk no
 * longer agree, so the process must restart from disk.
 */
import { Batch } from './batch.ts';

export interface CommitQueueOptions {
  apply: (batch: Batch) => void;
  /** How long changes may wait for company before they are committed. */
  intervalMs?: number;
  /** Commit at once when a batch holds this many changes. */
  maxBatchSize?: number;
  onCommit?: (info: { size: number; durationMs: number }) => void;
  onFatal: (err: Error) => void;
}

export class CommitQueue {
  private batch = new Batch();
  private callbacks: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly options: Required<Omit<CommitQueueOptions, 'onCommit'>> &
    Pick<CommitQueueOptions, 'onCommit'>;
  private closed = false;
  private failed = false;
  /** The open batch is full and its commit is already due. */
  private soon = false;

  constructor(options: CommitQueueOptions) {
    this.options = { intervalMs: 5, maxBatchSize: 5000, ...options };
  }

  /** The batch that the next commit will write. */
  get open(): Batch {
    this.schedule();
    return this.batch;
  }

  /** Runs `callback` after the commit of everything added so far. */
  afterCommit(callback: () => void): void {
    this.callbacks.push(callback);
    this.schedule();
  }

  /** Commits now, synchronously. Nothing more is committed after a failed commit. */
  flush(): void {
    if (this.failed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.soon = false;
    if (this.batch.size === 0 && this.callbacks.length === 0) return;
    const batch = this.batch;
    const callbacks = this.callbacks;
    this.batch = new Batch();
    this.callbacks = [];
    const started = performance.now();
    try {
      if (batch.size > 0) this.options.apply(batch);
    } catch (err) {
      this.closed = true;
      this.failed = true;
      this.options.onFatal(err as Error);
      return;
    }
    this.options.onCommit?.({
      size: batch.size,
      durationMs: performance.now() - started,
    });
    for (const callback of callbacks) callback();
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.closed || this.soon) return;
    if (this.batch.size >= this.options.maxBatchSize) {
      // Once per batch: every change after this one would otherwise re-arm a timer.
      if (this.timer) clearTimeout(this.timer);
      this.soon = true;
      this.timer = setTimeout(() => this.flush(), 0);
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs);
  }
}
