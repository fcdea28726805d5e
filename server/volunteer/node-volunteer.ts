/**
 * A volunteer in Node, for tests and load: the shared protocol client with a
 * worker_threads pool. It runs job code with the full rights of a Node
 * thread, so it is a simulator for trusted code, not a way to run strangers'
 * jobs: use the browser for that.
 */
import WebSocket from 'ws';
import {
  VolunteerClient,
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

export function startNodeVolunteer(
  options: NodeVolunteerOptions,
): NodeVolunteer {
  const pool = new ThreadPool(options.slots);
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
      await pool.close();
    },
  };
}
