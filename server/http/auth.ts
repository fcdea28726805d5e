/**
 * API keys on every `/api` route: `Authorization: Bearer <key>`. The key's
 * hash is looked up, so no secret is ever compared as text. Each key also
 * gets a token bucket of requests per second.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TabgridError } from '../../shared/errors.ts';
import type { KeyQueries, KeyRow } from '../store/keys.ts';
import { TokenBucket } from '../token-bucket.ts';

declare module 'fastify' {
  interface FastifyRequest {
    key: KeyRow;
  }
}

export function installAuth(
  app: FastifyInstance,
  keys: KeyQueries,
  requestsPerSecond: number,
): void {
  const buckets = new Map<string, Bucket>();
  app.decorateRequest('key', null as unknown as KeyRow);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    request.key = authenticate(request, keys);
    if (!take(buckets, request.key.id, requestsPerSecond)) {
      // One line when a key starts being refused, not one per refused request.
      if (buckets.get(request.key.id)!.refused++ === 0)
        request.log.warn(
          {
            code: 'RATE_LIMITED',
            limit: 'maxRequestsPerSecond',
            keyId: request.key.id,
          },
          'limit hit: requests per second for a key',
        );
      throw new TabgridError(
        'RATE_LIMITED',
        `more than ${requestsPerSecond} requests per second for this key`,
      );
    }
  });
}

function authenticate(request: FastifyRequest, keys: KeyQueries): KeyRow {
  const header = request.headers.authorization;
  if (!header)
    throw new TabgridError(
      'UNAUTHORIZED',
      'missing Authorization header; send "Authorization: Bearer <api key>"',
    );
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match)
    throw new TabgridError(
      'UNAUTHORIZED',
      'Authorization header must be "Bearer <api key>"',
    );
  const key = keys.findBySecret(match[1]!);
  if (!key) throw new TabgridError('UNAUTHORIZED', 'unknown API key');
  if (key.revokedAt !== null)
    throw new TabgridError('UNAUTHORIZED', 'this API key was revoked');
  return key;
}

interface Bucket {
  tokens: TokenBucket;
  /** Requests refused since the last one let through. */
  refused: number;
}

function take(buckets: Map<string, Bucket>, id: string, rate: number): boolean {
  let bucket = buckets.get(id);
  if (!bucket) {
    bucket = { tokens: new TokenBucket(rate, 4), refused: 0 };
    buckets.set(id, bucket);
  }
  if (!bucket.tokens.take()) return false;
  bucket.refused = 0;
  return true;
}

export function requireAdmin(request: FastifyRequest): void {
  if (request.key.role !== 'admin')
    throw new TabgridError('FORBIDDEN', 'only the admin key may do this');
}
