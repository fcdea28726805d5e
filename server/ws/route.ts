/**
 * The `/ws` endpoint: accepts volunteer sockets, enforces connections per
 * address, and runs liveness by ping/pong (a socket that misses a pong for a
 * whole interval is terminated, which ends its leases). Sockets are pinged
 * in PING_SLICES groups spread over the interval: pinging ten thousand idle
 * sockets in one turn of the loop held up the busy ones for tens of ms.
 */
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type { Coordinator } from '../coordinator.ts';
import type { Limits } from '../../shared/limits.ts';
import { VolunteerSession } from './session.ts';

const PING_SLICES = 20;

export interface WsRouteOptions {
  coordinator: Coordinator;
  limits: Limits;
  pingIntervalMs: number;
}

export async function volunteerRoute(
  app: FastifyInstance,
  options: WsRouteOptions,
): Promise<void> {
  const { coordinator, limits } = options;
  const perAddress = new Map<string, number>();
  const sessions = new Set<VolunteerSession>();
  const slices = Array.from(
    { length: PING_SLICES },
    () => new Set<VolunteerSession>(),
  );
  let joined = 0;

  app.get('/ws', { websocket: true }, (socket, request) => {
    const address = request.ip;
    const count = (perAddress.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      request.log.warn(
        {
          code: 'TOO_MANY_CONNECTIONS',
          limit: 'maxConnectionsPerAddress',
          max: limits.maxConnectionsPerAddress,
          address,
        },
        'limit hit: too many volunteer connections from one address',
      );
      socket.send(
        JSON.stringify({
          type: 'error',
          code: 'TOO_MANY_CONNECTIONS',
          message: `at most ${limits.maxConnectionsPerAddress} connections per address`,
        }),
      );
      socket.close(1008, 'TOO_MANY_CONNECTIONS');
      return;
    }
    perAddress.set(address, count);
    const session = new VolunteerSession(socket, {
      coordinator,
      log: app.log,
      limits,
      address,
      onClosed: (s) => {
        sessions.delete(s);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left <= 0) perAddress.delete(address);
        else perAddress.set(address, left);
        for (const slice of slices) slice.delete(s);
      },
    });
    sessions.add(session);
    slices[joined++ % PING_SLICES]!.add(session);
  });

  let tick = 0;
  const timer = setInterval(() => {
    for (const session of slices[tick++ % PING_SLICES]!) {
      if (!session.alive) session.terminate();
      else session.ping();
    }
  }, options.pingIntervalMs / PING_SLICES);
  timer.unref();

  app.addHook('preClose', async () => {
    clearInterval(timer);
    for (const session of sessions)
      session.close(1001, 'coordinator going away');
  });
}
