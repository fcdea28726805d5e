/**
 * One volunteer's WebSocket. Greeting: the first frame must be `hello`
 * naming our protocol version; the session answers `welcome` and joins the
 * coordinator. Ready: `result`, `progress`, `capacity` and `release` frames
 * flow in; `code`, `assign`, `ack`, `cancel`, `credit` flow out, batched per
 * event-loop tick. Any frame that breaks the protocol gets an `error` frame
 * with its code, and fatal codes close the socket; nothing else is touched.
 */
import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { ERRORS, type ErrorCode } from '../../shared/errors.ts';
import {
  PROTOCOL_VERSION,
  assertNever,
  parseClientFrame,
  type ClientMessage,
  type HelloMessage,
  type ResultItem,
} from '../../shared/protocol.ts';
import type { Limits } from '../../shared/limits.ts';
import { assignFrame, normaliseResult } from './frames.ts';
import type { Coordinator } from '../coordinator.ts';
import { TokenBucket } from '../token-bucket.ts';
import { corkForThisTick } from './cork.ts';
import type { LeaseRecord } from '../scheduler/types.ts';
import type { Batch } from '../store/batch.ts';

/** Shortest gap between two `credit` frames to one volunteer. */
const CREDIT_INTERVAL_MS = 1000;

export interface SessionDeps {
  coordinator: Coordinator;
  log: FastifyBaseLogger;
  limits: Limits;
  address: string;
  onClosed(session: VolunteerSession): void;
}

export class VolunteerSession {
  volunteerId = '';
  slots = 0;
  alive = true;
  private greeted = false;
  private readonly socket: WebSocket;
  private readonly deps: SessionDeps;
  private log: FastifyBaseLogger;
  private readonly codeSent = new Set<string>();
  /** Leases to ack once `ackBatch`, the batch holding their results, is committed. */
  private pendingAcks: number[] = [];
  private ackBatch: Batch | null = null;
  private fillRequested = false;
  private agreed = 0;
  private rejected = 0;
  private creditMs = 0;
  private creditChanged = false;
  private creditSentAtMs = -Infinity;
  private creditTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly frames: TokenBucket;
  readonly connectedAt = Date.now();
  agent: string | null = null;
  tasksReturned = 0;

  constructor(socket: WebSocket, deps: SessionDeps) {
    this.socket = socket;
    this.deps = deps;
    this.log = deps.log;
    this.frames = new TokenBucket(deps.limits.maxFramesPerSecond, 5);
    socket.on('message', (data, isBinary) =>
      this.receive(data as Buffer, isBinary),
    );
    socket.on('pong', () => (this.alive = true));
    socket.on('close', () => {
      if (this.creditTimer) clearTimeout(this.creditTimer);
      if (this.greeted) deps.coordinator.removeSession(this);
      deps.onClosed(this);
    });
    socket.on('error', (err) =>
      this.log.debug({ err }, 'volunteer socket error'),
    );
  }

  // ---- inbound ----

  private receive(data: Buffer, isBinary: boolean): void {
    if (!this.takeFrameBudget()) return;
    if (isBinary) return this.fail('BINARY_FRAME', 'frames must be JSON text');
    if (data.length > this.deps.limits.maxFrameBytes) {
      return this.fail(
        'FRAME_TOO_LARGE',
        `frame is ${data.length} bytes; the limit is ${this.deps.limits.maxFrameBytes}`,
      );
    }
    const parsed = parseClientFrame(data.toString('utf8'));
    if (!parsed.ok) return this.fail(parsed.code, parsed.message);
    this.handle(parsed.message);
  }

  private handle(message: ClientMessage): void {
    if (!this.greeted && message.type !== 'hello') {
      return this.fail(
        'HELLO_REQUIRED',
        `expected hello first, got ${message.type}`,
      );
    }
    switch (message.type) {
      case 'hello':
        if (this.greeted) return this.fail('BAD_MESSAGE', 'hello sent twice');
        return this.greet(message);
      case 'result':
        return this.onResult(message);
      case 'results':
        // Each result costs what a frame of its own would have.
        if (!this.takeFrameBudget(message.results.length - 1)) return;
        for (const item of message.results) this.onResult(item);
        return;
      case 'progress':
        if (
          !this.deps.coordinator.scheduler.progress(
            this.volunteerId,
            message.leaseId,
          )
        ) {
          this.sendError(
            'LEASE_UNKNOWN',
            `no live lease ${message.leaseId} held by this volunteer`,
            message.leaseId,
          );
        }
        return;
      case 'capacity':
        this.slots = message.slots;
        this.deps.coordinator.scheduler.setSlots(
          this.volunteerId,
          message.slots,
        );
        return this.requestFill();
      case 'release':
        this.deps.coordinator.scheduler.release(
          this.volunteerId,
          message.leaseIds,
        );
        return this.requestFill();
      default:
        assertNever(message);
    }
  }

  private greet(hello: HelloMessage): void {
    if (hello.protocol !== PROTOCOL_VERSION) {
      return this.fail(
        'PROTOCOL_VERSION',
        `protocol ${hello.protocol} is not spoken here; this server speaks ${PROTOCOL_VERSION}`,
      );
    }
    const { volunteers } = this.deps.coordinator.store;
    let row = hello.token ? volunteers.findByToken(hello.token) : undefined;
    let token = hello.token ?? '';
    if (!row) {
      const created = volunteers.create(hello.agent ?? null);
      row = created.row;
      token = created.token;
    } else {
      volunteers.touch(row.id, hello.agent ?? row.agent);
    }
    // Memory first: a ban may still be on its way to the store.
    if (row.bannedAt !== null || this.deps.coordinator.trust.isBanned(row.id))
      return this.fail('BANNED', 'this volunteer is banned from new work');
    this.volunteerId = row.id;
    this.agent = hello.agent ?? row.agent;
    this.agreed = row.agreed;
    this.rejected = row.disagreed;
    this.creditMs = row.creditMs;
    this.slots = hello.slots;
    this.greeted = true;
    this.log = this.deps.log.child({ volunteerId: row.id });
    this.log.debug(
      { slots: hello.slots, address: this.deps.address },
      'volunteer joined',
    );
    this.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      volunteerId: row.id,
      token,
      prefetch: this.deps.coordinator.scheduler.prefetch,
    });
    this.send({
      type: 'credit',
      validated: this.agreed,
      rejected: this.rejected,
      creditMs: this.creditMs,
    });
    this.deps.coordinator.addSession(this);
  }

  private onResult(message: ResultItem): void {
    if (message.error?.kind === 'crashed') {
      // The volunteer's worker broke, not the job: the replica goes to someone else.
      this.deps.coordinator.scheduler.release(
        this.volunteerId,
        [message.leaseId],
        'lost',
      );
      this.requestFill();
      return;
    }
    const { maxResultBytes } = this.deps.limits;
    const { result, tooLargeBytes } = normaliseResult(message, maxResultBytes);
    if (tooLargeBytes !== undefined) {
      this.sendError(
        'RESULT_TOO_LARGE',
        `result is ${tooLargeBytes} bytes; the limit is ${maxResultBytes}`,
        message.leaseId,
      );
    }
    const ok = this.deps.coordinator.result(this, message.leaseId, result);
    if (!ok) {
      this.sendError(
        'LEASE_UNKNOWN',
        `no live lease ${message.leaseId} held by this volunteer`,
        message.leaseId,
      );
      return;
    }
    this.tasksReturned++;
  }

  // ---- outbound ----

  sendLeases(leases: LeaseRecord[]): void {
    for (const lease of leases) {
      if (!this.codeSent.has(lease.jobId)) this.sendCode(lease.jobId);
    }
    this.sendRaw(assignFrame(leases));
  }

  private sendCode(jobId: string): void {
    const job = this.deps.coordinator.job(jobId);
    if (!job) return;
    this.codeSent.add(jobId);
    this.send({
      type: 'code',
      jobId,
      hash: job.codeHash,
      code: job.code,
      name: job.name,
      description: job.description,
    });
  }

  sendCancel(
    leaseId: number,
    reason: 'settled' | 'expired' | 'job-cancelled',
  ): void {
    this.send({ type: 'cancel', leaseIds: [leaseId], reason });
  }

  /**
   * Acks go out after the commit that holds the result: one list per batch,
   * since the next batch gathers while one is being written.
   */
  queueAck(leaseId: number): void {
    const { commits } = this.deps.coordinator;
    const batch = commits.open;
    if (this.ackBatch !== batch) {
      this.ackBatch = batch;
      const leaseIds: number[] = [];
      this.pendingAcks = leaseIds;
      commits.afterCommit(() => this.flushAcks(leaseIds));
    }
    this.pendingAcks.push(leaseId);
  }

  noteVerdict(agreed: boolean, elapsedMs: number): void {
    if (agreed) {
      this.agreed++;
      this.creditMs += elapsedMs;
    } else {
      this.rejected++;
    }
    this.creditChanged = true;
  }

  /** Asks for a refill of free slots once the current tick's frames are handled. */
  requestFill(): void {
    if (this.fillRequested) return;
    this.fillRequested = true;
    const askedAt = performance.now();
    setImmediate(() => {
      this.fillRequested = false;
      this.deps.coordinator.fill(this, askedAt);
    });
  }

  private flushAcks(leaseIds: number[]): void {
    if (leaseIds === this.pendingAcks) this.ackBatch = null;
    if (leaseIds.length > 0) this.send({ type: 'ack', leaseIds });
    if (this.creditChanged) this.sendCredit();
  }

  /**
   * Credit is a running total, so only the last one counts: at most one frame
   * per CREDIT_INTERVAL_MS, the latest total trailing after a quiet spell.
   */
  private sendCredit(): void {
    const waitMs = this.creditSentAtMs + CREDIT_INTERVAL_MS - Date.now();
    if (waitMs > 0) {
      this.creditTimer ??= setTimeout(() => {
        this.creditTimer = null;
        this.sendCredit();
      }, waitMs);
      return;
    }
    this.creditChanged = false;
    this.creditSentAtMs = Date.now();
    this.send({
      type: 'credit',
      validated: this.agreed,
      rejected: this.rejected,
      creditMs: this.creditMs,
    });
  }

  sendError(code: ErrorCode, message: string, leaseId?: number): void {
    this.send({
      type: 'error',
      code,
      message,
      ...(leaseId !== undefined ? { leaseId } : {}),
    });
  }

  /** Reports a protocol error; fatal ones close the socket (policy violation). */
  private fail(code: ErrorCode, message: string): void {
    // A limit hit is an operator event; other protocol errors are chatter.
    if (code === 'FRAME_TOO_LARGE')
      this.log.warn(
        { code, limit: 'maxFrameBytes', address: this.deps.address },
        'limit hit: %s',
        message,
      );
    else
      this.log.debug(
        { code, address: this.deps.address },
        'protocol error: %s',
        message,
      );
    this.sendError(code, message);
    if (ERRORS[code].fatal)
      this.close(code === 'FRAME_TOO_LARGE' ? 1009 : 1008, code);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  ping(): void {
    this.alive = false;
    this.socket.ping();
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Spends `cost` frames of the socket's allowance; closes it with FLOOD when spent. */
  private takeFrameBudget(cost = 1): boolean {
    if (this.frames.take(cost)) return true;
    const rate = this.deps.limits.maxFramesPerSecond;
    if (this.socket.readyState === this.socket.OPEN) {
      this.log.warn(
        {
          code: 'FLOOD',
          limit: 'maxFramesPerSecond',
          address: this.deps.address,
        },
        'limit hit: volunteer flooded frames; closing',
      );
      this.sendError('FLOOD', `more than ${rate} frames per second`);
      this.close(1008, 'FLOOD');
    }
    return false;
  }

  private send(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  private sendRaw(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    corkForThisTick(this.socket);
    this.socket.send(text);
  }
}
