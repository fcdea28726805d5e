/**
 * Checkpoints in IndexedDB: the state a long task saved with
 * `ctx.checkpoint`, kept per lease so that a reloaded tab resumes the task
 * it was given again instead of starting over. Entries older than a day are
 * dropped when the store opens; the lease's end clears its entry. The keys
 * present are read once at open and kept in memory, so a task that never
 * checkpoints costs no IndexedDB transaction at its start or its end (two of
 * them were most of a tiny task's overhead).
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
  // Keys present, read once at open; other tabs of this origin (which may
  // hold the same volunteer token) announce theirs on a BroadcastChannel.
  // Without the list (prune failed), every load asks IndexedDB.
  const keys = new Set<string>();
  let listed = true;
  const channel =
    typeof BroadcastChannel === 'undefined'
      ? null
      : new BroadcastChannel(`${DB_NAME}.checkpoints`);
  channel?.addEventListener('message', (event: MessageEvent) => {
    const { add, remove } = (event.data ?? {}) as {
      add?: string;
      remove?: string;
    };
    if (typeof add === 'string') keys.add(add);
    if (typeof remove === 'string') keys.delete(remove);
  });
  const db = open().then(async (conn) => {
    try {
      for (const key of await prune(conn)) keys.add(key);
    } catch {
      listed = false;
    }
    return conn;
  });
  const store = async (mode: IDBTransactionMode) =>
    (await db).transaction(STORE, mode).objectStore(STORE);
  return {
    async load(lease) {
      await db;
      if (listed && !keys.has(keyOf(lease))) return undefined;
      const entry = (await request(
        (await store('readonly')).get(keyOf(lease)),
      )) as Entry | undefined;
      return entry?.state;
    },
    save(lease, state) {
      const entry: Entry = { key: keyOf(lease), state, savedAt: Date.now() };
      if (!keys.has(entry.key)) channel?.postMessage({ add: entry.key });
      keys.add(entry.key);
      void store('readwrite')
        .then((s) => s.put(entry))
        .catch(() => {});
    },
    clear(lease) {
      const key = keyOf(lease);
      if (listed && !keys.delete(key)) return;
      channel?.postMessage({ remove: key });
      void store('readwrite')
        .then((s) => s.delete(key))
        .catch(() => {});
    },
  };
}

/** Drops entries older than MAX_AGE_MS; returns the keys of those kept. */
async function prune(conn: IDBDatabase): Promise<string[]> {
  const all = (await request(
    conn.transaction(STORE, 'readonly').objectStore(STORE).getAll(),
  )) as Entry[];
  const old = all.filter((e) => Date.now() - e.savedAt > MAX_AGE_MS);
  if (old.length > 0) {
    const s = conn.transaction(STORE, 'readwrite').objectStore(STORE);
    for (const e of old) s.delete(e.key);
  }
  return all.filter((e) => !old.includes(e)).map((e) => e.key);
}
