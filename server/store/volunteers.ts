/** Volunteers: anonymous, known by a server-issued token stored as a hash. */
import type { Db } from './db.ts';
import { hashSecret, newId, newSecret } from './keys.ts';

export interface VolunteerRow {
  id: string;
  agent: string | null;
  createdAt: number;
  lastSeenAt: number;
  agreed: number;
  disagreed: number;
  errors: number;
  creditMs: number;
  canariesPassed: number;
  canariesFailed: number;
  bannedAt: number | null;
  bannedReason: string | null;
}

const COLUMNS = `id, agent, created_at AS createdAt, last_seen_at AS lastSeenAt, agreed,
  disagreed, errors, credit_ms AS creditMs, canaries_passed AS canariesPassed,
  canaries_failed AS canariesFailed, banned_at AS bannedAt,
  banned_reason AS bannedReason`;

export function volunteerQueries(db: Db) {
  const insert = db.prepare(
    `INSERT INTO volunteers (id, token_hash, agent, created_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const byToken = db.prepare(
    `SELECT ${COLUMNS} FROM volunteers WHERE token_hash = ?`,
  );
  const byId = db.prepare(`SELECT ${COLUMNS} FROM volunteers WHERE id = ?`);
  const touch = db.prepare(
    'UPDATE volunteers SET last_seen_at = ?, agent = ? WHERE id = ?',
  );
  const recent = db.prepare(
    `SELECT ${COLUMNS} FROM volunteers ORDER BY last_seen_at DESC LIMIT ?`,
  );

  return {
    create(agent: string | null): { row: VolunteerRow; token: string } {
      const token = newSecret();
      const now = Date.now();
      const id = newId('v_');
      insert.run(id, hashSecret(token), agent, now, now);
      return { row: byId.get(id) as VolunteerRow, token };
    },
    findByToken(token: string): VolunteerRow | undefined {
      return byToken.get(hashSecret(token)) as VolunteerRow | undefined;
    },
    get(id: string): VolunteerRow | undefined {
      return byId.get(id) as VolunteerRow | undefined;
    },
    touch(id: string, agent: string | null): void {
      touch.run(Date.now(), agent, id);
    },
    recent(limit: number): VolunteerRow[] {
      return recent.all(limit) as VolunteerRow[];
    },
  };
}

export type VolunteerQueries = ReturnType<typeof volunteerQueries>;
