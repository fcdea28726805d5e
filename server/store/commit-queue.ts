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
  /**
   * Hand a batch over at once, even while another is being written, when its
   * outputs reach this many characters: the writer thread's heap holds one.
   */
  maxBatchChars?: number;
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
  /** Batches handed over and not yet committed; they commit in order. */
  private writing = 0;
  /** Settles once every batch handed over so far has been committed. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** The open batch is due: it goes as soon as the one being written is done. */
  private due = false;
  /** Resolves when a commit fails, so that `close` does not wait forever. */
  private readonly failure: Promise<void>;
  private signalFailure!: () => void;

  constructor(options: CommitQueueOptions) {
    this.options = {
      intervalMs: 5,
      maxBatchSize: 5000,
      maxBatchChars: 8 * 1024 * 1024,
      ...options,
    };
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.writing > 0 && this.batch.chars >= this.options.maxBatchChars) {
      this.commit();
      return;
    }
    if (this.due) return;
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
    if (this.writing === 0) this.commit();
  }

  private commit(): void {
    this.due = false;
    if (this.failed || this.closed) return;
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
    this.writing++;
    // Callbacks keep the order of handover, whatever order the writes finish
    // in; a batch of callbacks alone, or one written synchronously, too.
    this.lastWrite = this.lastWrite
      .then(() => written)
      .then(
        () => this.done(batch, callbacks, started),
        (err: Error) => this.fail(err),
      );
  }

  private done(batch: Batch, callbacks: (() => void)[], started: number): void {
    if (this.failed) return;
    this.writing--;
    this.options.onCommit?.({
      size: batch.size,
      durationMs: performance.now() - started,
    });
    for (const callback of callbacks) callback();
    if (this.due && this.writing === 0) this.commit();
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.writing = 0;
    this.closed = true;
    this.failed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.signalFailure();
    this.options.onFatal(err);
  }
}
