/**
 * A coordinator for the demo: the real app on a temporary SQLite file and
 * an OS-picked loopback port, with a fresh admin key, logging only warnings.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

export interface DemoCoordinator {
  url: string;
  adminKey: string;
  close(): Promise<void>;
}

export async function startDemoCoordinator(
  webDir: string,
): Promise<DemoCoordinator> {
  const dir = mkdtempSync(join(tmpdir(), 'tabgrid-demo-'));
  const adminKey = `tg_demo_${randomBytes(16).toString('hex')}`;
  const config = {
    ...loadConfig(
      ['--db', join(dir, 'tabgrid.db'), '--port', '0', '--web-dir', webDir],
      {},
    ),
    adminKey,
  };
  const { app } = await buildApp({
    config,
    logger: { level: process.env.TABGRID_DEMO_LOG ?? 'warn' },
    onFatal: (err) => {
      process.stderr.write(`demo: the coordinator failed: ${err.message}\n`);
      process.exit(70);
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
