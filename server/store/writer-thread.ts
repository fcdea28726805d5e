/**
 * The writer thread: owns the connection that applies group-commit batches,
 * so a commit (and the WAL checkpoint it may run) never holds the main
 * thread's event loop. It takes one batch at a time, in order, and answers
 * each with success or why it failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchApplier, type BatchData } from './batch.ts';
import { openDb, type Synchronous } from './db.ts';
import type { WriterReply } from './writer.ts';

const port = parentPort!;
const { path, synchronous } = workerData as {
  path: string;
  synchronous: Synchronous;
};
// The main thread has migrated the file already: this open applies nothing.
const { db } = openDb(path, synchronous);
// Writes touch the tail of each index: a smaller page cache than the readers' will do.
db.pragma('cache_size = -8000');
const apply = batchApplier(db);

port.on('message', (batch: BatchData | 'close') => {
  if (batch === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    apply(batch);
    reply = { ok: true };
  } catch (err) {
    const e = err as Error;
    reply = { ok: false, message: e.message, stack: e.stack ?? '' };
  }
  port.postMessage(reply);
});
