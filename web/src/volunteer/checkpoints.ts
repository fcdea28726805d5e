/**
 * Checkpoints in IndexedDB: the state a long task saved with
 * `ctx.checkpoint`, kept per lease so that a reloaded tab resumes the task
 * it was given again instead of starting over. Entries older than a day are
 * dropped when the store opens; the lease's end clears its entry.
 */
import type { Lease } from '../../../shared/protocol.ts';
import type { CheckpointStore } from '../../../shared/volunteer-client.ts';

const DB_NAME = 'tabgrid';
const STORE = 'checkpoints';
const MAX_AGE_MS = 24 * 3600 * 1000;

interface Entry {
  key: string;
  state: unknown;
  savedAt: number;
}

const keyOf = (lease: Lease) =>
  `${lease.jobId}#${lease.taskIndex}#${lease.leaseId}`;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () =>
    req.result.createObjectStore(STORE, { keyPath: 'key' });
  return request(req);
}

/** A CheckpointStore on IndexedDB, or null where IndexedDB is unavailable. */
export function indexedDbCheckpoints(): CheckpointStore | null {
  if (typeof indexedDB === 'undefined') return null;
  const db = open().then(async (conn) => {
    await prune(conn).catch(() => {});
    return conn;
  });
  const store = async (mode: IDBTransactionMode) =>
    (await db).transaction(STORE, mode).objectStore(STORE);
  return {
    async load(lease) {
      const entry = (await request(
        (await store('readonly')).get(keyOf(lease)),
      )) as Entry | undefined;
      return entry?.state;
    },
    save(lease, state) {
      const entry: Entry = { key: keyOf(lease), state, savedAt: Date.now() };
      void store('readwrite')
        .then((s) => s.put(entry))
        .catch(() => {});
    },
    clear(lease) {
      void store('readwrite')
        .then((s) => s.delete(keyOf(lease)))
        .catch(() => {});
    },
  };
}

async function prune(conn: IDBDatabase): Promise<void> {
  const all = (await request(
    conn.transaction(STORE, 'readonly').objectStore(STORE).getAll(),
  )) as Entry[];
  const old = all.filter((e) => Date.now() - e.savedAt > MAX_AGE_MS);
  if (old.length === 0) return;
  const s = conn.transaction(STORE, 'readwrite').objectStore(STORE);
  for (const e of old) s.delete(e.key);
}
