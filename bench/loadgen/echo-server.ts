/**
 * The transport ceiling's server: a bare `ws` server on an OS-picked
 * loopback port that sends every text frame straight back. It reports its
 * port over IPC and runs until the bench ends it.
 */
import { WebSocketServer } from 'ws';

setTimeout(() => process.exit(3), 60 * 60 * 1000).unref();
process.on('disconnect', () => process.exit(0));

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
});
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) =>
    socket.send(data, { binary: isBinary }),
  );
});
server.on('listening', () => {
  const { port } = server.address() as { port: number };
  process.send!({ event: 'listening', url: `ws://127.0.0.1:${port}` });
});
