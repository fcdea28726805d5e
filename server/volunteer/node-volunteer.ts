/**
 * A volunteer in Node, for tests and load: the shared protocol client with a
 * worker_threads pool. It runs job code with the full rights of a Node
 * thread, so it is a simulator for trusted code, not a way to run strangers'
 * jobs: use the browser for that.
 */
import WebSocket from 'ws';
import {
  VolunteerClient,
  type Executor,
  type SocketLike,
  type VolunteerClientOptions,
} from '../../shared/volunteer-client.ts';
import { ThreadPool } from './thread-pool.ts';

export interface NodeVolunteerOptions {
  /** The coordinator's http(s) or ws(s) base URL. */
  url: string;
  slots: number;
  token?: string;
  transformOutput?: VolunteerClientOptions['transformOutput'];
  reconnect?: VolunteerClientOptions['reconnect'];
  /** Fault injection for tests: every task reports this much later, as a slow device would. */
  delayMs?: number;
}

export interface NodeVolunteer {
  client: VolunteerClient;
  stop(): Promise<void>;
}

export function wsUrlOf(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  if (!u.pathname.endsWith('/ws'))
    u.pathname = u.pathname.replace(/\/?$/, '/ws');
  return u.toString();
}

/** An executor whose tasks finish `delayMs` late: a straggler. */
function slowed(inner: Executor, delayMs: number): Executor {
  const timers = new Map<number, () => void>();
  return {
    async run(run) {
      const outcome = await inner.run(run);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        timers.set(run.lease.leaseId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      timers.delete(run.lease.leaseId);
      return { ...outcome, elapsedMs: outcome.elapsedMs + delayMs };
    },
    cancel(leaseId) {
      timers.get(leaseId)?.();
      inner.cancel(leaseId);
    },
  };
}

export function startNodeVolunteer(
  options: NodeVolunteerOptions,
): NodeVolunteer {
  const threads = new ThreadPool(options.slots);
  const pool = options.delayMs ? slowed(threads, options.delayMs) : threads;
  const client = new VolunteerClient({
    url: wsUrlOf(options.url),
    slots: options.slots,
    executor: pool,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    agent: `tabgrid-node-volunteer node/${process.versions.node}`,
    ...(options.token ? { token: options.token } : {}),
    ...(options.transformOutput
      ? { transformOutput: options.transformOutput }
      : {}),
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
  });
  client.start();
  return {
    client,
    async stop() {
      client.stop();
      await threads.close();
    },
  };
}
