/**
 * Serves the built web app: the volunteer page at `/`, the dashboard at
 * `/dashboard`, and the sandbox worker scripts under `/sandbox/` with a
 * Content-Security-Policy that leaves job code no way to the network: a
 * worker's own script CSP governs everything imported inside it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const SANDBOX_CSP =
  "default-src 'none'; script-src blob: 'wasm-unsafe-eval'";
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
/** Pages use none of these; a compromised page should not get them either. */
export const PAGE_PERMISSIONS =
  'camera=(), microphone=(), geolocation=(), usb=(), payment=()';

export async function installStatic(
  app: FastifyInstance,
  webDir: string,
): Promise<void> {
  const root = resolve(webDir);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (request.url.startsWith('/sandbox/')) {
      reply.header('content-security-policy', SANDBOX_CSP);
      reply.header('cross-origin-resource-policy', 'same-origin');
    } else if (!request.url.startsWith('/docs')) {
      reply.header('x-frame-options', 'DENY');
      if (
        !request.url.startsWith('/api/') &&
        !request.url.startsWith('/metrics')
      ) {
        reply.header('content-security-policy', PAGE_CSP);
        reply.header('cross-origin-opener-policy', 'same-origin');
        reply.header('permissions-policy', PAGE_PERMISSIONS);
      }
    }
    return payload;
  });
  if (!existsSync(resolve(root, 'index.html'))) {
    app.log.warn(
      { webDir: root },
      'web app is not built; run `npm run build:web`',
    );
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          'tabgrid: the web app is not built. Run `npm run build:web`, then restart.\n',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    index: ['index.html'],
    wildcard: true,
    setHeaders(res, path) {
      // Hashed file names never change content; pages must be revalidated.
      const hashed = /[\\/](assets|sandbox)[\\/]/.test(path);
      res.setHeader(
        'cache-control',
        hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/dashboard', async (_request, reply) =>
    reply.sendFile('dashboard.html'),
  );
  app.get('/dashboard/*', async (_request, reply) =>
    reply.sendFile('dashboard.html'),
  );
}
