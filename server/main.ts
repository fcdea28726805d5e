/**
 * `npm start`: the coordinator on one port. SIGTERM and SIGINT stop taking
 * work, close volunteer sockets with "going away", commit what is queued and
 * exit.
 */
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`tabgrid: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const { app, generatedAdminKey } = await buildApp({
    config,
    onFatal: () => process.exit(70),
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port =
    address && typeof address === 'object' ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  app.log.info(
    {
      url,
      db: config.db,
      volunteerPage: url + '/',
      dashboard: url + '/dashboard',
      docs: url + '/docs',
    },
    'tabgrid listening',
  );
  if (generatedAdminKey) {
    process.stdout.write(
      '\n  Admin API key (shown once; keep it, or set TABGRID_ADMIN_KEY):\n\n' +
        `    ${generatedAdminKey}\n\n`,
    );
  } else if (!config.adminKey) {
    app.log.info(
      'admin key: the one printed at first start (set TABGRID_ADMIN_KEY to replace it)',
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(
      { signal },
      'stopping: closing volunteer sockets and committing queued changes',
    );
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
