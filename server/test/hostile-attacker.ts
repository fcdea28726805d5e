/**
 * The attackers of hostile.test.ts, run as their own process (see there):
 * started with the coordinator's URL, they attack round after round until
 * the parent says `stop`, then report what they saw and exit.
 */
import assert from 'node:assert/strict';
import { RawVolunteer } from './raw-volunteer.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';

export const FRAME_LIMIT = 4096;
export const FRAMES_PER_SECOND = 200;
export const CONNECTIONS = 6;
/** Attackers come from other loopback addresses than the honest volunteers. */
const ATTACKER = { localAddress: '127.0.0.2' };
const CROWD = { localAddress: '127.0.0.3' };
const hello = { type: 'hello', protocol: PROTOCOL_VERSION, slots: 0 };

export type Seen = Map<string, number>;
const note = (seen: Seen, what: string) =>
  seen.set(what, (seen.get(what) ?? 0) + 1);

/** Sends one bad frame and records the error code and the close code. */
async function badFrame(
  url: string,
  frame: string,
  greet: boolean,
  seen: Seen,
): Promise<void> {
  const v = new RawVolunteer(url, ATTACKER);
  await v.opened();
  if (greet) {
    v.send(hello);
    await v.next('welcome');
  }
  v.send(frame);
  const closed = await v.whenClosed();
  const error = v.log.find((m) => m.type === 'error');
  note(seen, `${error?.code ?? 'none'}/${closed.code}`);
}

/** Results for leases never held, with made-up ids: refused, socket kept. */
async function strangerResults(url: string, seen: Seen): Promise<void> {
  const v = await RawVolunteer.join(url, 0, undefined, ATTACKER);
  for (let i = 0; i < 20; i++)
    v.send({ type: 'result', leaseId: 1e9 + i, output: 666, elapsedMs: 1 });
  for (let i = 0; i < 20; i++) note(seen, (await v.next('error')).code);
  assert.equal(v.closed, null, 'a refused result does not close the socket');
  v.close();
  await v.whenClosed();
}

/** Takes one real lease, answers it right, then replays the answer. */
async function replayedResults(url: string, seen: Seen): Promise<void> {
  const v = await RawVolunteer.join(url, 1, undefined, ATTACKER);
  // Near the end of the job the honest volunteers hold every task left.
  const assign = await v.next('assign', 2000).catch(() => null);
  if (!assign) {
    v.close();
    await v.whenClosed();
    return;
  }
  const [lease] = assign.leases;
  v.send({ type: 'capacity', slots: 0 });
  const result = {
    type: 'result',
    leaseId: lease!.leaseId,
    output: (lease!.input as number) * 2,
    elapsedMs: 1,
  };
  v.send(result);
  await v.next('ack');
  for (let i = 0; i < 10; i++) v.send(result);
  for (let i = 0; i < 10; i++)
    note(seen, `replay:${(await v.next('error')).code}`);
  v.close();
  await v.whenClosed();
}

/** Frames as fast as the socket takes them, until the server cuts it off. */
async function flood(url: string, seen: Seen): Promise<void> {
  const v = await RawVolunteer.join(url, 0, undefined, ATTACKER);
  const frame = JSON.stringify({ type: 'capacity', slots: 0 });
  for (let i = 0; i < FRAMES_PER_SECOND * 5 + 200 && !v.closed; i++)
    v.send(frame);
  const closed = await v.whenClosed();
  const error = v.log.find((m) => m.type === 'error');
  note(seen, `${error?.code}/${closed.code}`);
}

/** One address opens sockets until it is refused. */
async function crowd(url: string, seen: Seen): Promise<void> {
  const open: RawVolunteer[] = [];
  for (let i = 0; i < CONNECTIONS + 3; i++) {
    const v = new RawVolunteer(url, CROWD);
    await v.opened();
    open.push(v);
  }
  const refused = open.slice(CONNECTIONS);
  for (const v of refused) {
    const closed = await v.whenClosed();
    note(seen, `${(await v.next('error')).code}/${closed.code}`);
  }
  note(seen, `crowd-open:${open.filter((v) => !v.closed).length}`);
  for (const v of open) v.close();
  await Promise.all(open.map((v) => v.whenClosed()));
}

export async function attackOnce(url: string, seen: Seen): Promise<void> {
  await badFrame(url, '{"type":"hello",', false, seen);
  await badFrame(url, JSON.stringify({ ...hello, slots: -1 }), false, seen);
  await badFrame(url, JSON.stringify({ type: 'steal' }), true, seen);
  await badFrame(
    url,
    JSON.stringify({ ...hello, agent: 'x'.repeat(FRAME_LIMIT) }),
    false,
    seen,
  );
  await badFrame(url, 'x'.repeat(FRAME_LIMIT * 3), false, seen);
  await strangerResults(url, seen);
  await replayedResults(url, seen);
  await flood(url, seen);
  await crowd(url, seen);
}

/** Attacks until told to stop; bounded by `maxRounds` in any case. */
async function main(url: string, maxRounds = 500): Promise<void> {
  const seen: Seen = new Map();
  let stopping = false;
  process.on('message', () => (stopping = true));
  process.send!({ ready: true });
  let rounds = 0;
  while (!stopping && rounds < maxRounds) {
    await attackOnce(url, seen);
    rounds++;
  }
  process.send!({ rounds, seen: [...seen] }, () => process.exit(0));
}

if (process.argv[2]) {
  main(process.argv[2]).catch((err: unknown) => {
    process.send!({ error: String((err as Error)?.stack ?? err) }, () =>
      process.exit(1),
    );
  });
}
