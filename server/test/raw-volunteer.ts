/** A volunteer driven by hand, frame by frame, for protocol tests. */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol.ts';

export class RawVolunteer {
  readonly socket: WebSocket;
  /** Messages not yet taken by next(). */
  readonly received: ServerMessage[] = [];
  /** Every message, in arrival order. */
  readonly log: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  /** `options` go to the ws client, e.g. `localAddress` to connect from another loopback. */
  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws', options);
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      this.log.push(message);
      this.wake();
    });
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async join(
    url: string,
    slots = 1,
    token?: string,
    options: WebSocket.ClientOptions = {},
  ): Promise<RawVolunteer> {
    const v = new RawVolunteer(url, options);
    await v.opened();
    v.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      slots,
      ...(token ? { token } : {}),
    });
    await v.next('welcome');
    return v;
  }

  opened(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(
      typeof message === 'string' ? message : JSON.stringify(message),
    );
  }

  /** Resolves with the first message of `type` not yet taken, waiting up to `timeoutMs`. */
  async next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 10_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((m) => m.type === type);
      if (i >= 0)
        return this.received.splice(i, 1)[0] as Extract<
          ServerMessage,
          { type: T }
        >;
      if (this.closed)
        throw new Error(
          `socket closed (${this.closed.code} ${this.closed.reason}) before ${type}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${type}; got ${this.received.map((m) => m.type).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async whenClosed(
    timeoutMs = 10_000,
  ): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
