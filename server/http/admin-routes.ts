/** Keys (admin only), volunteers and whoami. */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type {
  CreatedKey,
  KeyView,
  VolunteerView,
  WhoAmI,
} from '../../shared/api-types.ts';
import { TabgridError } from '../../shared/errors.ts';
import { zodToError } from '../../shared/spec.ts';
import type { Coordinator } from '../coordinator.ts';
import type { Store } from '../store/store.ts';
import { requireAdmin } from './auth.ts';

const keyBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();

export async function adminRoutes(
  app: FastifyInstance,
  deps: { store: Store; coordinator: Coordinator },
): Promise<void> {
  const { store, coordinator } = deps;

  app.get(
    '/api/whoami',
    { schema: { summary: 'The key making the request' } },
    async (request): Promise<WhoAmI> => {
      const { id, name, role } = request.key;
      return { id, name, role };
    },
  );

  app.post(
    '/api/keys',
    { schema: { summary: 'Create a requester key (admin)' } },
    async (request, reply) => {
      requireAdmin(request);
      const parsed = keyBody.safeParse(request.body ?? {});
      if (!parsed.success) throw zodToError(parsed.error, ['name']);
      const key = store.keys.create(parsed.data.name, 'requester');
      request.log.info({ keyId: key.id, name: key.name }, 'api key created');
      const created: CreatedKey = {
        id: key.id,
        name: key.name,
        role: key.role,
        key: key.secret,
        createdAt: key.createdAt,
      };
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/keys',
    { schema: { summary: 'List keys (admin)' } },
    async (request): Promise<{ keys: KeyView[] }> => {
      requireAdmin(request);
      return { keys: store.keys.list() };
    },
  );

  const revoke = async (id: string) => {
    if (!store.keys.revoke(id))
      throw new TabgridError('NOT_FOUND', `no active requester key ${id}`);
    app.log.info({ keyId: id }, 'api key revoked');
    return { id, revoked: true };
  };
  app.delete(
    '/api/keys/:id',
    { schema: { summary: 'Revoke a key (admin)' } },
    async (request) => {
      requireAdmin(request);
      return revoke((request.params as { id: string }).id);
    },
  );
  app.post(
    '/api/keys/:id/revoke',
    { schema: { summary: 'Revoke a key (admin)' } },
    async (request) => {
      requireAdmin(request);
      return revoke((request.params as { id: string }).id);
    },
  );

  app.get(
    '/api/volunteers',
    { schema: { summary: 'Volunteers online now and recently seen' } },
    async () => {
      const online = new Map(
        [...coordinator.allSessions()].map((s) => [s.volunteerId, s]),
      );
      const leases = coordinator.scheduler.liveLeases();
      return {
        online: online.size,
        volunteers: store.volunteers.recent(200).map((v): VolunteerView => {
          const s = online.get(v.id);
          return {
            id: v.id,
            online: s !== undefined,
            slots: s?.slots ?? 0,
            leased: leases.filter((l) => l.volunteerId === v.id).length,
            agent: v.agent,
            agreed: v.agreed,
            disagreed: v.disagreed,
            creditMs: v.creditMs,
            canariesPassed: v.canariesPassed,
            canariesFailed: v.canariesFailed,
            /** Probability that a result of theirs is right (server/verify/credibility.ts). */
            credibility: coordinator.trust.credibility(v.id),
            banned: v.bannedAt !== null,
            bannedReason: v.bannedReason,
            lastSeenAt: v.lastSeenAt,
            connectedAt: s?.connectedAt ?? null,
            tasksThisSession: s?.tasksReturned ?? 0,
          };
        }),
      };
    },
  );
}
