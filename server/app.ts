/**
 * The app factory: one Fastify instance with the store, the coordinator, the
 * volunteer socket, the REST API, metrics, docs and the web app. `listen()`
 * is the caller's (server/main.ts, or a test with `port: 0`).
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { openStore, type Store } from './store/store.ts';
import { Coordinator } from './coordinator.ts';
import type { Config } from './config.ts';
import { installErrorHandler } from './http/errors.ts';
import { installAuth } from './http/auth.ts';
import { jobRoutes } from './http/jobs-routes.ts';
import { adminRoutes } from './http/admin-routes.ts';
import { eventsRoute } from './http/events-route.ts';
import { Throughput } from './jobs/throughput.ts';
import { volunteerRoute } from './ws/route.ts';
import { installMetrics } from './metrics.ts';
import { installStatic } from './static.ts';

export interface Tabgrid {
  app: FastifyInstance;
  store: Store;
  coordinator: Coordinator;
  /** The admin key, when this start generated it (first start without TABGRID_ADMIN_KEY). */
  generatedAdminKey: string | undefined;
}

export interface BuildOptions {
  config: Config;
  /** Pino options or false; tests pass `false`, a level, or a stream to read lines from. */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Called when the coordinator can no longer continue (a failed commit). */
  onFatal?: (err: Error) => void;
}

export async function buildApp(options: BuildOptions): Promise<Tabgrid> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.limits.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  const store = openStore(config.db, config.sync);
  if (store.migrated.length > 0)
    app.log.info(
      { db: config.db, migrations: store.migrated },
      'database migrated',
    );
  const generatedAdminKey = ensureAdminKey(app, store, config.adminKey);
  const coordinator = new Coordinator({
    store,
    log: app.log,
    commitIntervalMs: config.commitIntervalMs,
    prefetch: config.prefetch,
    reconnectGraceMs: config.reconnectGraceMs,
    maxCheckRate: config.maxCheckRate,
    onFatal:
      options.onFatal ??
      ((err) => {
        throw err;
      }),
  });

  // Requests log at debug; responses that fail log at error in the handler.
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
      },
      'request',
    );
  });
  installErrorHandler(app);
  // Schemas document the API; validation is done by zod, which names the field.
  app.setValidatorCompiler(() => () => true);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'tabgrid',
        version: '0.1.0',
        description: 'Volunteer computing coordinator',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: config.limits.maxFrameBytes * 2 + 1024 },
    // The plugin's own preClose closes sockets without a code (1005); volunteers
    // must hear 1001 "going away", and no new leases may go out meanwhile.
    preClose(done) {
      coordinator.drain();
      for (const socket of this.websocketServer.clients)
        socket.close(1001, 'coordinator going away');
      this.websocketServer.close(() => done());
    },
  });
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/jsonl', 'text/csv'],
    (_request, payload, done) => done(null, payload),
  );
  installAuth(app, store.keys, config.limits.maxRequestsPerSecond);
  const deps = { store, coordinator, limits: config.limits };
  await app.register(async (scope) => {
    await jobRoutes(scope, deps);
    await adminRoutes(scope, deps);
    await eventsRoute(scope, {
      ...deps,
      throughput: new Throughput(coordinator),
    });
    await volunteerRoute(scope, {
      coordinator,
      limits: config.limits,
      pingIntervalMs: config.pingIntervalMs,
    });
  });
  installMetrics(app, coordinator);
  app.get('/healthz', { schema: { hide: true } }, async () => ({
    ok: true,
    volunteers: coordinator.sessionCount(),
  }));
  await installStatic(app, config.webDir);

  coordinator.start();
  app.addHook('onClose', async () => {
    await coordinator.stop();
    await store.close();
  });
  return { app, store, coordinator, generatedAdminKey };
}

function ensureAdminKey(
  app: FastifyInstance,
  store: Store,
  adminKey: string | undefined,
): string | undefined {
  if (adminKey) {
    store.keys.ensureAdmin(adminKey);
    return undefined;
  }
  if (store.keys.hasAdmin()) return undefined;
  const created = store.keys.create('admin', 'admin');
  app.log.info(
    { keyId: created.id },
    'generated the admin key; it is printed once, below',
  );
  return created.secret;
}
