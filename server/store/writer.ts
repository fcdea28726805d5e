/**
 * Where group-commit batches are written. A database file gets a writer
 * thread with its own connection (writer-thread.ts), so the main thread only
 * hands the batch over and goes on serving sockets while SQLite works. An
 * in-memory database, which a second connection cannot open, is written on
 * the main thread's connection.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Batch } from './batch.ts';
import type { Synchronous } from './db.ts';

export interface Writer {
  /** Settles once the batch is committed, or could not be. */
  write(batch: Batch): Promise<void> | void;
  close(): Promise<void>;
}

export type WriterReply =
  { ok: true } | { ok: false; message: string; stack: string };

export function inlineWriter(apply: (batch: Batch) => void): Writer {
  return { write: apply, close: async () => undefined };
}

export class WriterThread implements Writer {
  private readonly worker: Worker;
  /** Writes sent and not yet answered, oldest first: the thread answers in order. */
  private readonly waiting: { resolve(): void; reject(err: Error): void }[] =
    [];
  private broken: Error | null = null;
  private closing = false;

  constructor(path: string, synchronous: Synchronous) {
    this.worker = new Worker(new URL('./writer-entry.mjs', import.meta.url), {
      workerData: { path, synchronous },
      // It holds one batch at a time: a small heap is collected often and keeps RSS down.
      resourceLimits: {
        maxOldGenerationSizeMb: 64,
        maxYoungGenerationSizeMb: 4,
      },
    });
    // An idle writer must not keep the process alive; one with a write out does.
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.answer(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.closing)
        this.fail(new Error(`the writer thread exited with code ${code}`));
    });
  }

  write(batch: Batch): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.worker.ref();
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(batch);
    });
  }

  /** Lets the writes already sent finish, then closes the thread's connection. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.broken) return;
    const exited = once(this.worker, 'exit');
    this.worker.postMessage('close');
    this.worker.ref();
    await exited;
  }

  private answer(reply: WriterReply): void {
    const write = this.waiting.shift();
    if (this.waiting.length === 0) this.worker.unref();
    if (!write) return;
    if (reply.ok) write.resolve();
    else {
      const err = new Error(reply.message);
      err.stack = reply.stack;
      write.reject(err);
    }
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const write of this.waiting.splice(0)) write.reject(err);
  }
}
