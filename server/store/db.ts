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

export function openDb(path: string): OpenedDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged, so kill -9 or power
  // loss cannot undo an acknowledged result. Group commit pays the fsync once
  // per tick, not once per result.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32000');
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
