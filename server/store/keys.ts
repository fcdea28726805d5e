/** API keys: stored as SHA-256 hashes; the secret is shown once, at creation. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.ts';

export type Role = 'admin' | 'requester';

export interface KeyRow {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  revokedAt: number | null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newSecret(): string {
  return 'tg_' + randomBytes(24).toString('base64url');
}

export function newId(prefix: string): string {
  return prefix + randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
}

export function keyQueries(db: Db) {
  const insert = db.prepare(
    'INSERT INTO keys (id, name, hash, role, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare(
    `SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt
     FROM keys WHERE hash = ?`,
  );
  const all = db.prepare(
    `SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt
     FROM keys ORDER BY created_at`,
  );
  const revoke = db.prepare(
    `UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND role = 'requester'`,
  );
  const adminCount = db.prepare(
    `SELECT count(*) AS n FROM keys WHERE role = 'admin' AND revoked_at IS NULL`,
  );
  const revokeAdmins = db.prepare(
    `UPDATE keys SET revoked_at = ? WHERE role = 'admin' AND revoked_at IS NULL AND hash <> ?`,
  );

  return {
    /** Creates a key and returns it with its secret, which is not kept. */
    create(
      name: string,
      role: Role,
      secret = newSecret(),
    ): KeyRow & { secret: string } {
      const row: KeyRow = {
        id: newId('k_'),
        name,
        role,
        createdAt: Date.now(),
        revokedAt: null,
      };
      insert.run(row.id, name, hashSecret(secret), role, row.createdAt);
      return { ...row, secret };
    },
    findBySecret(secret: string): KeyRow | undefined {
      return byHash.get(hashSecret(secret)) as KeyRow | undefined;
    },
    list(): KeyRow[] {
      return all.all() as KeyRow[];
    },
    revoke(id: string): boolean {
      return revoke.run(Date.now(), id).changes > 0;
    },
    hasAdmin(): boolean {
      return (adminCount.get() as { n: number }).n > 0;
    },
    /**
     * Makes `secret` the admin key (from TABGRID_ADMIN_KEY): earlier admin
     * keys are revoked, so changing the variable rotates the key.
     */
    ensureAdmin(secret: string): void {
      const hash = hashSecret(secret);
      db.transaction(() => {
        revokeAdmins.run(Date.now(), hash);
        const found = byHash.get(hash) as KeyRow | undefined;
        if (!found) {
          insert.run(newId('k_'), 'admin', hash, 'admin', Date.now());
        }
      })();
    },
  };
}

export type KeyQueries = ReturnType<typeof keyQueries>;
