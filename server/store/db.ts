/** Opens the SQLite file in WAL mode and applies the migrations it lacks. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export interface OpenedDb {
  db: Db;
  /** Migrations applied by this open, as their numbers. */
  migrated: number[];
}

/**
 * `normal` (the default): under WAL a commit is in the OS's page cache when
 * it returns, so an acknowledged result survives kill -9 of the coordinator;
 * only power loss or a kernel crash can drop the last commits before a
 * checkpoint. The fsync moves from every group commit to checkpoints.
 * `full`: every commit is fsynced before it is acknowledged, so power loss
 * cannot undo an ack either; group commit pays that once per tick.
 */
export type Synchronous = 'full' | 'normal';

export function openDb(
  path: string,
  synchronous: Synchronous = 'full',
): OpenedDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -16000');
  return { db, migrated: migrate(db) };
}

function migrate(db: Db): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (let n = current + 1; n <= MIGRATIONS.length; n++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[n - 1]!);
      db.pragma(`user_version = ${n}`);
    })();
    applied.push(n);
  }
  return applied;
}
