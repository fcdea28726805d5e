/**
 * The volunteer client's framing, seen from a bare WebSocket server that
 * plays the coordinator's part, so every frame the client sends is visible.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { VolunteerClient } from '../../shared/volunteer-client.ts';
import type { SocketLike } from '../../shared/volunteer-types.ts';
import { until } from './helpers.ts';

function lease(leaseId: number, input: unknown) {
  return {
    leaseId,
    jobId: 'j1',
    taskIndex: leaseId,
    input,
    seed: [1, 2, 3, 4],
    timeoutMs: 10_000,
  };
}

test('results that finish in one turn leave in one results frame; a lone one as result', async (t) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const frames: { type: string; [key: string]: unknown }[] = [];
  let peer: WebSocket | null = null;
  server.on('connection', (socket) => {
    peer = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      frames.push(frame);
      if (frame.type !== 'hello') return;
      const send = (m: object) => socket.send(JSON.stringify(m));
      send({
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        volunteerId: 'v1',
        token: 't1',
        prefetch: 1,
      });
      send({ type: 'code', jobId: 'j1', hash: 'h', code: '', name: 'j' });
      send({
        type: 'assign',
        leases: [lease(1, 1), lease(2, 2), lease(3, 3)],
      });
    });
  });
  const { port } = server.address() as { port: number };
  const client = new VolunteerClient({
    url: `ws://127.0.0.1:${port}`,
    slots: 3,
    // Outputs are ready at once, so all three finish in the same turn.
    executor: {
      run: async ({ lease: l }) =>
        l.leaseId === 2
          ? { output: 2n, elapsedMs: 1 }
          : { output: (l.input as number) * 10, elapsedMs: 1 },
      cancel() {},
    },
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  });
  t.after(() => client.stop());
  client.start();
  const batch = await until(
    () => frames.find((f) => f.type === 'results'),
    'a results frame',
  );
  const items = batch.results as {
    leaseId: number;
    output?: unknown;
    error?: { message: string };
  }[];
  assert.deepEqual(
    items.map((r) => r.leaseId),
    [1, 2, 3],
  );
  assert.equal(items[0]!.output, 10);
  assert.equal(items[2]!.output, 30);
  assert.match(
    items[1]!.error!.message,
    /not JSON-serialisable/,
    'an output JSON cannot carry fails alone, as an error',
  );
  assert.equal(frames.filter((f) => f.type === 'result').length, 0);

  peer!.send(JSON.stringify({ type: 'assign', leases: [lease(4, 4)] }));
  const lone = await until(
    () => frames.find((f) => f.type === 'result'),
    'a lone result frame',
  );
  assert.equal(lone.leaseId, 4);
  assert.equal(lone.output, 40);
});
