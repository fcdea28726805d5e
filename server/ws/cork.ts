/**
 * Holds a tick's frames in the TCP socket's buffer and writes them in one
 * `writev` when the tick ends: an ack, a credit and an assign sent together
 * cost one system call, not three. `_socket` is ws's own field (ws is
 * pinned); without it frames go out one write each, as before.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

const corked = new WeakSet<WebSocket>();

export function corkForThisTick(socket: WebSocket): void {
  if (corked.has(socket)) return;
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  if (!raw) return;
  corked.add(socket);
  raw.cork();
  process.nextTick(() => {
    corked.delete(socket);
    raw.uncork();
  });
}
