/**
 * The transport ceiling's client: the same process shape as the simulated
 * volunteers (many sockets, a window of frames in flight per socket), but
 * against a bare `ws` server that echoes each frame. Each echo is parsed and
 * answered with a fresh frame, as a volunteer parses an assign and answers.
 */
import WebSocket from 'ws';
import { sleep } from '../lib/proc.ts';

export interface EchoCommand {
  url: string;
  count: number;
  /** Frames in flight per socket (scenario 2's slots × prefetch). */
  window: number;
  warmupMs: number;
  durationMs: number;
}

export interface EchoReport {
  roundTrips: number;
  seconds: number;
  roundTripsPerSec: number;
  frameBytes: number;
}

/** A frame shaped and sized like an `assign` holding one lease. */
export function typicalAssign(i: number): object {
  return {
    type: 'assign',
    leases: [
      {
        leaseId: 1_000_000 + i,
        jobId: 'j_k3v9q2m8x1c7b4n6',
        taskIndex: 100_000 + i,
        input: { start: 100_000 + i, end: 100_001 + i },
        seed: [2_654_435_769, 1_013_904_223, 1_664_525, 3_141_592_653],
        timeoutMs: 60_000,
      },
    ],
  };
}

export async function runEcho(command: EchoCommand): Promise<EchoReport> {
  let counting = false;
  let roundTrips = 0;
  let sending = true;
  let sent = 0;
  const sockets: WebSocket[] = [];
  await Promise.all(
    Array.from({ length: command.count }, () => {
      const socket = new WebSocket(command.url, { perMessageDeflate: false });
      sockets.push(socket);
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as {
          leases: { taskIndex: number }[];
        };
        if (counting) roundTrips++;
        if (sending)
          socket.send(
            JSON.stringify(typicalAssign(frame.leases[0]!.taskIndex + 1)),
          );
      });
      return new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
    }),
  );
  for (const socket of sockets)
    for (let w = 0; w < command.window; w++)
      socket.send(JSON.stringify(typicalAssign(sent++)));
  await sleep(command.warmupMs);
  counting = true;
  const started = performance.now();
  await sleep(command.durationMs);
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  sending = false;
  for (const socket of sockets) socket.terminate();
  return {
    roundTrips,
    seconds,
    roundTripsPerSec: roundTrips / seconds,
    frameBytes: JSON.stringify(typicalAssign(0)).length,
  };
}
