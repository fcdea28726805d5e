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

type Frame = { type: string; [key: string]: unknown };

/** A bare server that welcomes the client and assigns `leases`; every frame it gets is kept. */
async function fakeCoordinator(
  t: { after(fn: () => unknown): void },
  leases: ReturnType<typeof lease>[],
) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const frames: Frame[] = [];
  const peer: { socket: WebSocket | null } = { socket: null };
  server.on('connection', (socket) => {
    peer.socket = socket;
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
      send({ type: 'assign', leases });
    });
  });
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, frames, peer };
}

test('results of one turn share a results frame; a lone one goes as result', async (t) => {
  const { url, frames, peer } = await fakeCoordinator(t, [
    lease(1, 1),
    lease(2, 2),
    lease(3, 3),
  ]);
  const client = new VolunteerClient({
    url,
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

  peer.socket!.send(JSON.stringify({ type: 'assign', leases: [lease(4, 4)] }));
  const lone = await until(
    () => frames.find((f) => f.type === 'result'),
    'a lone result frame',
  );
  assert.equal(lone.leaseId, 4);
  assert.equal(lone.output, 40);
});

test('results that finish together are split into frames any server takes', async (t) => {
  const tiny = Array.from({ length: 100 }, (_, i) => lease(i + 1, i));
  const big = [101, 102, 103].map((id) => lease(id, 'x'));
  const { url, frames } = await fakeCoordinator(t, [...tiny, ...big]);
  const client = new VolunteerClient({
    url,
    slots: 103,
    executor: {
      run: async ({ lease: l }) => ({
        output: l.input === 'x' ? 'y'.repeat(40_000) : l.input,
        elapsedMs: 1,
      }),
      cancel() {},
    },
    createSocket: (u) => new WebSocket(u) as unknown as SocketLike,
  });
  t.after(() => client.stop());
  client.start();
  const count = (f: Frame) =>
    f.type === 'results'
      ? (f.results as unknown[]).length
      : f.type === 'result'
        ? 1
        : 0;
  await until(
    () => (frames.reduce((n, f) => n + count(f), 0) === 103 ? true : undefined),
    'all 103 results',
  );
  const sent = frames.filter((f) => count(f) > 0);
  for (const f of sent)
    assert.ok(JSON.stringify(f).length < 100_000, 'no frame near the limit');
  assert.ok(
    sent.every((f) => count(f) <= 64),
    'at most 64 results a frame',
  );
  assert.ok(sent.length >= 4, `${sent.length} frames`);
});
