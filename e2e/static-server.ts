/**
 * A small static server for the built app (web/dist), as the coordinator
 * serves it: everything under /sandbox/ carries the sandbox CSP. It records
 * every request path, upgrades included, so a test can prove that a request
 * never arrived. Paths under /probe/ answer as if they were real scripts, so
 * a request that got through would also succeed.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export const SANDBOX_CSP =
  "default-src 'none'; script-src blob: 'wasm-unsafe-eval'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  origin: string;
  port: number;
  /** Every request path seen, in order of arrival. */
  requests: string[];
  close(): Promise<void>;
}

function answerProbe(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/javascript; charset=utf-8',
    'access-control-allow-origin': '*',
  });
  res.end('export const reached = true; export default "reached";\n');
}

function serveFile(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  const relative =
    pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  const file = normalize(join(root, relative));
  if (
    !file.startsWith(root + sep) ||
    !existsSync(file) ||
    !statSync(file).isFile()
  ) {
    res
      .writeHead(404, { 'content-type': 'text/plain' })
      .end(`no such file: ${pathname}`);
    return;
  }
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
  };
  if (pathname.startsWith('/sandbox/'))
    headers['content-security-policy'] = SANDBOX_CSP;
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

export async function startStaticServer(root: string): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/probe/')) answerProbe(res);
    else serveFile(root, req, res);
  });
  server.on('upgrade', (req, socket) => {
    requests.push(req.url ?? '');
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
