/**
 * Group commit: changes gather in the open batch and are committed in one
 * transaction per tick. Whoever must wait for durability (an `ack` to a
 * volunteer) passes a callback to `afterCommit`; it runs once the batch that
 * holds its change is committed. One batch is written at a time: while it is
 * out (on the writer thread), the next one keeps gathering and goes as soon
 * as the first is done, so a slow commit makes the next batch larger rather
 * than the loop slower. A failed commit is fatal: memory and disk no longer
 * agree, so the process must restart from disk.
 */
import { Batch } from './batch.ts';

export interface CommitQueueOptions {
  /** Commits a batch: synchronously, or by the promise it returns. */
  write: (batch: Batch) => Promise<void> | void;
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
  /** A batch is being written. */
  private writing = false;
  /** The open batch is due: it goes as soon as the one being written is done. */
  private due = false;
  /** Resolves when a commit fails, so that `close` does not wait forever. */
  private readonly failure: Promise<void>;
  private signalFailure!: () => void;

  constructor(options: CommitQueueOptions) {
    this.options = { intervalMs: 5, maxBatchSize: 5000, ...options };
    this.failure = new Promise((resolve) => (this.signalFailure = resolve));
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

  /**
   * Commits everything added so far without waiting for the tick; resolves
   * once it is committed. Never resolves after a failed commit.
   */
  settle(): Promise<void> {
    return new Promise((resolve) => {
      this.callbacks.push(resolve);
      this.commitSoon();
    });
  }

  /** Commits what is queued; later changes are not committed. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.failed) await Promise.race([this.settle(), this.failure]);
    this.closed = true;
  }

  private schedule(): void {
    if (this.closed || this.due) return;
    if (this.batch.size >= this.options.maxBatchSize) {
      // Once per batch: every change after this one would otherwise re-arm a timer.
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.commitSoon(), 0);
      this.due = true;
      return;
    }
    this.timer ??= setTimeout(() => this.commitSoon(), this.options.intervalMs);
  }

  private commitSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = true;
    if (!this.writing) this.commit();
  }

  private commit(): void {
    this.due = false;
    if (this.failed) return;
    if (this.batch.size === 0 && this.callbacks.length === 0) return;
    const batch = this.batch;
    const callbacks = this.callbacks;
    this.batch = new Batch();
    this.callbacks = [];
    const started = performance.now();
    let written: Promise<void> | void;
    try {
      written = batch.size > 0 ? this.options.write(batch) : undefined;
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (!written) {
      this.done(batch, callbacks, started);
      return;
    }
    this.writing = true;
    written.then(
      () => this.done(batch, callbacks, started),
      (err: Error) => this.fail(err),
    );
  }

  private done(batch: Batch, callbacks: (() => void)[], started: number): void {
    this.writing = false;
    this.options.onCommit?.({
      size: batch.size,
      durationMs: performance.now() - started,
    });
    for (const callback of callbacks) callback();
    if (this.due) this.commit();
  }

  private fail(err: Error): void {
    this.writing = false;
    this.closed = true;
    this.failed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.signalFailure();
    this.options.onFatal(err);
  }
}
