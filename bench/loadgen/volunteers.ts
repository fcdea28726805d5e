/**
 * Simulated volunteers: many raw-protocol sockets in one process, each
 * answering every lease of an `assign` with a trivial output computed from
 * the input, either at once (all of an assign's leases in one `results`
 * frame, as a volunteer whose tasks finish together sends them) or one by
 * one, paced by a shared rate. No job code runs; what is measured is the
 * coordinator, not the work.
 *
 * Assignment latency is seen from here: the time from sending a result
 * (which frees a slot, so asks for a task) to the `assign` that refills it.
 * That includes two loopback hops and this process's own event loop, so it
 * is an upper bound of the coordinator's share.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { LatencySamples } from './samples.ts';
import { resultFrames } from '../../shared/result-frames.ts';

export interface VolunteersCommand {
  url: string;
  count: number;
  slots: number;
  /** `now`: answer at once; `paced`: at `ratePerSec` over all sockets; `never`: idle. */
  answer: 'now' | 'paced' | 'never';
  ratePerSec?: number;
  /** Sockets opening at once. */
  openConcurrency?: number;
}

interface Pending {
  socket: Volunteer;
  leaseId: number;
  output: unknown;
}

/** The trivial kernel: every replica of a task computes the same value. */
export function trivialOutput(input: unknown): unknown {
  if (typeof input === 'number') return input * 2;
  if (input && typeof input === 'object') {
    const o = input as { start?: number; n?: number };
    return (o.start ?? o.n ?? 0) * 2;
  }
  return 0;
}

class Volunteer {
  readonly socket: WebSocket;
  /** When each result that freed a slot was sent, oldest first. */
  private readonly askedAt: number[] = [];
  /** Leases assigned and not yet answered, and those cancelled meanwhile. */
  private readonly unanswered = new Set<number>();
  private readonly cancelled = new Set<number>();
  constructor(
    url: string,
    private readonly fleet: VolunteerFleet,
    slots: number,
  ) {
    this.socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws', {
      perMessageDeflate: false,
    });
    this.socket.on('open', () =>
      this.socket.send(
        JSON.stringify({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          slots,
          agent: 'bench',
        }),
      ),
    );
    this.socket.on('message', (data) => this.receive(data.toString()));
    this.socket.on('error', () => fleet.errors++);
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as {
      type: string;
      leases?: any[];
      leaseIds?: number[];
    };
    if (message.type === 'welcome') return this.fleet.joined(this);
    if (message.type === 'error') {
      this.fleet.errors++;
      return;
    }
    if (message.type === 'cancel') {
      // As a real volunteer would, drop the task; its slot is free from now.
      const now = performance.now();
      for (const id of message.leaseIds!) {
        // Already answered: the coordinator refused that result, no slot freed twice.
        if (!this.unanswered.delete(id)) continue;
        this.cancelled.add(id);
        this.askedAt.push(now);
      }
      this.fleet.cancels += message.leaseIds!.length;
      return;
    }
    if (message.type !== 'assign') return;
    const now = performance.now();
    this.fleet.assigns++;
    const answers: Pending[] = [];
    for (const lease of message.leases!) {
      const asked = this.askedAt.shift();
      if (asked !== undefined) this.fleet.latency.add(now - asked);
      this.unanswered.add(lease.leaseId);
      answers.push({
        socket: this,
        leaseId: lease.leaseId,
        output: trivialOutput(lease.input),
      });
    }
    this.fleet.answer(answers);
  }

  /** Sends these results, one frame for them all. */
  sendResults(all: readonly Pending[]): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const answers = all.filter((a) => !this.cancelled.delete(a.leaseId));
    if (answers.length === 0) return;
    for (const a of answers) this.unanswered.delete(a.leaseId);
    const items = answers.map(
      (a) =>
        `{"leaseId":${a.leaseId},"output":${JSON.stringify(a.output)},"elapsedMs":0}`,
    );
    for (const frame of resultFrames(items)) this.socket.send(frame);
    const now = performance.now();
    for (let i = 0; i < items.length; i++) this.askedAt.push(now);
    this.fleet.results += items.length;
  }
}

export class VolunteerFleet {
  results = 0;
  assigns = 0;
  errors = 0;
  cancels = 0;
  readonly latency = new LatencySamples(2_000_000);
  private readonly sockets: Volunteer[] = [];
  private readonly queue: Pending[] = [];
  private queueHead = 0;
  private pacer: ReturnType<typeof setInterval> | null = null;
  private allowance = 0;
  private pacedAt = performance.now();
  private ratePerSec = 0;
  private onJoin: (() => void) | null = null;
  private joinedCount = 0;

  constructor(private readonly command: VolunteersCommand) {
    this.ratePerSec = command.ratePerSec ?? 0;
  }

  /** Opens every socket; resolves once each has its `welcome`, or rejects after `timeoutMs`. */
  async open(timeoutMs: number): Promise<number> {
    const { url, count, slots } = this.command;
    const concurrency = this.command.openConcurrency ?? 100;
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < count; i += concurrency) {
      const target = Math.min(count, i + concurrency);
      const joined = this.waitJoined(target, deadline);
      for (let j = i; j < target; j++)
        this.sockets.push(new Volunteer(url, this, slots));
      await joined;
    }
    if (this.command.answer === 'paced') this.startPacer();
    return this.joinedCount;
  }

  joined(_volunteer: Volunteer): void {
    this.joinedCount++;
    this.onJoin?.();
  }

  answer(answers: Pending[]): void {
    if (answers.length === 0) return;
    if (this.command.answer === 'now') answers[0]!.socket.sendResults(answers);
    else if (this.command.answer === 'paced') this.queue.push(...answers);
  }

  setRate(ratePerSec: number): void {
    this.ratePerSec = ratePerSec;
  }

  reset(): void {
    this.results = 0;
    this.assigns = 0;
    this.latency.clear();
  }

  close(): void {
    if (this.pacer) clearInterval(this.pacer);
    for (const v of this.sockets) v.socket.terminate();
  }

  private waitJoined(target: number, deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.joinedCount >= target) {
          clearTimeout(timer);
          this.onJoin = null;
          resolve();
        }
      };
      const timer = setTimeout(
        () => {
          this.onJoin = null;
          reject(
            new Error(
              `only ${this.joinedCount} of ${target} volunteers joined in time`,
            ),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      this.onJoin = check;
      check();
    });
  }

  /** Releases queued answers at `ratePerSec`, checked every millisecond. */
  private startPacer(): void {
    this.pacedAt = performance.now();
    this.pacer = setInterval(() => {
      const now = performance.now();
      // At most 10 ms of allowance may gather, so a stall is not repaid as a burst.
      this.allowance = Math.min(
        this.allowance + ((now - this.pacedAt) * this.ratePerSec) / 1000,
        Math.max(1, this.ratePerSec / 100),
      );
      this.pacedAt = now;
      while (this.allowance >= 1 && this.queueHead < this.queue.length) {
        const p = this.queue[this.queueHead++]!;
        p.socket.sendResults([p]);
        this.allowance--;
      }
      if (this.queueHead > 10_000) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
    }, 1);
  }
}
