/**
 * The store: everything durable, behind one object. SQLite is the only
 * implementation; the scheduler sees it only as a TaskSource, and the rest of
 * the server only through these query groups, so a second backend would
 * implement the same shape.
 */
import { openDb, type Db, type Synchronous } from './db.ts';
import { batchApplier } from './batch.ts';
import { keyQueries } from './keys.ts';
import { jobQueries } from './jobs.ts';
import { taskQueries } from './tasks.ts';
import { volunteerQueries } from './volunteers.ts';
import { inlineWriter, WriterThread, type Writer } from './writer.ts';

export function openStore(path: string, synchronous?: Synchronous) {
  const { db, migrated } = openDb(path, synchronous);
  const tasks = taskQueries(db);
  const writer: Writer =
    path === ':memory:'
      ? inlineWriter(batchApplier(db))
      : new WriterThread(path, synchronous ?? 'full');
  return {
    db: db as Db,
    path,
    migrated,
    keys: keyQueries(db),
    jobs: jobQueries(db),
    tasks,
    volunteers: volunteerQueries(db),
    /** Commits a group-commit batch (see writer.ts for where). */
    write: writer.write.bind(writer),
    /** The scheduler's view of pending work. */
    source: { loadPending: tasks.loadPending },
    /** Waits for the batches already handed over, then closes both connections. */
    async close(): Promise<void> {
      await writer.close();
      db.close();
    },
  };
}

export type Store = ReturnType<typeof openStore>;
