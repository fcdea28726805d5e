/**
 * The volunteer side of the protocol, shared by the browser page and the Node
 * volunteer: one connection, a queue of leases, up to `slots` of them running
 * at once through an Executor, results sent back as they finish, reconnects
 * with capped exponential backoff and jitter. It knows nothing of Web Workers
 * or worker_threads; the Executor does.
 *
 * States: idle → connecting → connected → (disconnected → connecting …) →
 * stopped. A fatal error from the server (banned, wrong protocol) stops it.
 */
import {
  PROTOCOL_VERSION,
  assertNever,
  parseServerFrame,
  type CodeMessage,
  type Lease,
  type ResultItem,
  type ServerMessage,
} from './protocol.ts';
import { ERRORS } from './errors.ts';
import { resultFrames } from './result-frames.ts';
import { Emitter } from './emitter.ts';

export type {
  CheckpointStore,
  ClientEvents,
  ClientState,
  Executor,
  SocketLike,
  TaskOutcome,
  TaskRun,
  VolunteerClientOptions,
} from './volunteer-types.ts';
import type {
  ClientEvents,
  ClientState,
  SocketLike,
  TaskOutcome,
  VolunteerClientOptions,
} from './volunteer-types.ts';

interface Running {
  lease: Lease;
  lastProgressAt: number;
}

export class VolunteerClient extends Emitter<ClientEvents> {
  private readonly options: VolunteerClientOptions;
  private socket: SocketLike | null = null;
  private stateValue: ClientState = 'idle';
  private slots: number;
  private cpuShare: number;
  private token: string | undefined;
  private readonly jobs = new Map<string, CodeMessage>();
  private queue: Lease[] = [];
  /** Encoded results waiting for the end of this turn of the loop. */
  private pendingResults: string[] = [];
  private readonly running = new Map<number, Running>();
  private resting = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  volunteerId: string | null = null;

  constructor(options: VolunteerClientOptions) {
    super();
    this.options = options;
    this.slots = options.slots;
    this.cpuShare = clampShare(options.cpuShare ?? 1);
    this.token = options.token;
  }

  get state(): ClientState {
    return this.stateValue;
  }

  /** Leases running now. */
  get active(): Lease[] {
    return [...this.running.values()].map((r) => r.lease);
  }

  /** The job a lease belongs to, as the server described it. */
  jobOf(jobId: string): CodeMessage | undefined {
    return this.jobs.get(jobId);
  }

  start(): void {
    if (this.stateValue === 'connecting' || this.stateValue === 'connected')
      return;
    this.connect();
  }

  /** Closes the connection for good; running tasks are cancelled. */
  stop(): void {
    this.clearReconnect();
    this.setState('stopped');
    this.dropWork();
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, 'volunteer stopped');
  }

  /** Changes how many tasks run at once; 0 pauses and hands back queued leases. */
  setSlots(slots: number): void {
    this.slots = Math.max(0, Math.floor(slots));
    this.send({ type: 'capacity', slots: this.slots });
    if (this.slots === 0 && this.queue.length > 0) {
      const leaseIds = this.queue.map((l) => l.leaseId);
      this.queue = [];
      this.send({ type: 'release', leaseIds });
    }
    this.pump();
  }

  setCpuShare(share: number): void {
    this.cpuShare = clampShare(share);
  }

  private connect(): void {
    this.clearReconnect();
    this.setState('connecting');
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.send({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        slots: this.slots,
        ...(this.token ? { token: this.token } : {}),
        ...(this.options.agent ? { agent: this.options.agent } : {}),
      });
    };
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.dropWork();
      if (this.stateValue === 'stopped') return;
      this.setState('disconnected');
      this.scheduleReconnect();
    };
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = parseServerFrame(text);
    } catch {
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.attempt = 0;
        this.volunteerId = message.volunteerId;
        if (message.token !== this.token) {
          this.token = message.token;
          this.options.saveToken?.(message.token);
        }
        this.setState('connected');
        this.emit('welcome', { volunteerId: message.volunteerId });
        break;
      case 'code':
        this.jobs.set(message.jobId, message);
        this.emit('job', message);
        break;
      case 'assign':
        this.queue.push(...message.leases);
        this.pump();
        break;
      case 'ack':
        this.emit('ack', message.leaseIds);
        break;
      case 'cancel':
        this.cancel(message.leaseIds);
        break;
      case 'credit':
        this.emit('credit', message);
        break;
      case 'error':
        this.emit('error', message);
        if (message.code === 'BANNED' || message.code === 'PROTOCOL_VERSION') {
          this.stop();
        } else if (message.code === 'BAD_TOKEN') {
          // The server forgot us (a new database): start afresh as a new volunteer.
          this.token = undefined;
        }
        break;
      default:
        assertNever(message);
    }
  }

  private cancel(leaseIds: number[]): void {
    const ids = new Set(leaseIds);
    this.queue = this.queue.filter((l) => !ids.has(l.leaseId));
    for (const id of ids) {
      if (this.running.delete(id)) this.options.executor.cancel(id);
    }
    this.pump();
  }

  private pump(): void {
    while (
      this.stateValue === 'connected' &&
      this.running.size + this.resting < this.slots &&
      this.queue.length > 0
    ) {
      const lease = this.queue.shift()!;
      const job = this.jobs.get(lease.jobId);
      if (!job) {
        // The server always sends code first; a lease without it cannot run.
        this.sendResult(lease, {
          error: { message: 'no code received for job' },
          elapsedMs: 0,
        });
        continue;
      }
      this.runLease(lease, job);
    }
  }

  private runLease(lease: Lease, job: CodeMessage): void {
    const entry: Running = { lease, lastProgressAt: 0 };
    this.running.set(lease.leaseId, entry);
    this.emit('task:start', lease);
    const socket = this.socket;
    const onProgress = (fraction: number) => {
      // Job code picks the number; a frame outside [0, 1] would close the socket.
      if (!Number.isFinite(fraction)) return;
      fraction = Math.min(1, Math.max(0, fraction));
      const now = Date.now();
      if (now - entry.lastProgressAt < 1000 || !this.running.has(lease.leaseId))
        return;
      entry.lastProgressAt = now;
      this.send({ type: 'progress', leaseId: lease.leaseId, fraction });
    };
    const store = this.options.checkpoints;
    const onCheckpoint = (state: unknown) => {
      if (this.running.get(lease.leaseId) === entry) store?.save(lease, state);
    };
    const loaded = store
      ? store.load(lease).catch(() => undefined)
      : Promise.resolve(undefined);
    loaded
      .then((checkpointed) =>
        this.running.get(lease.leaseId) !== entry
          ? {
              error: { message: 'cancelled', kind: 'crashed' as const },
              elapsedMs: 0,
            }
          : this.options.executor.run({
              lease,
              job,
              onProgress,
              onCheckpoint,
              ...(checkpointed !== undefined ? { checkpointed } : {}),
            }),
      )
      .catch((err: unknown) => ({
        error: {
          message: String((err as Error)?.message ?? err),
          kind: 'crashed' as const,
        },
        elapsedMs: 0,
      }))
      .then((outcome) => {
        // A cancelled lease, or one from a connection that has since closed, is not reported.
        if (this.running.get(lease.leaseId) !== entry || this.socket !== socket)
          return;
        this.running.delete(lease.leaseId);
        this.sendResult(lease, outcome);
        store?.clear(lease);
        this.emit('task:done', { lease, outcome });
        this.rest(outcome.elapsedMs);
      });
  }

  /** Keeps a slot idle after a task so that the CPU share is honoured. */
  private rest(elapsedMs: number): void {
    const restMs =
      this.cpuShare >= 1
        ? 0
        : (elapsedMs * (1 - this.cpuShare)) / this.cpuShare;
    if (restMs < 1) {
      this.pump();
      return;
    }
    this.resting++;
    setTimeout(() => {
      this.resting--;
      this.pump();
    }, restMs);
  }

  private sendResult(lease: Lease, outcome: TaskOutcome): void {
    const elapsedMs = Math.max(0, outcome.elapsedMs);
    const { leaseId } = lease;
    if (outcome.error) {
      this.queueResult({ leaseId, error: outcome.error, elapsedMs });
      return;
    }
    let output: unknown = outcome.output === undefined ? null : outcome.output;
    if (this.options.transformOutput)
      output = this.options.transformOutput(output, lease);
    try {
      this.queueResult({ leaseId, output, elapsedMs });
    } catch (err) {
      // JSON cannot carry the output (a BigInt, a cycle): report that as the task's error.
      const message = `task output is not JSON-serialisable: ${(err as Error).message}`;
      this.queueResult({
        leaseId,
        error: { message, kind: 'thrown' },
        elapsedMs,
      });
    }
  }

  /**
   * Results that finish in the same turn of the loop leave in one `results`
   * frame (a lone one as `result`). Each is encoded here, so one output JSON
   * cannot carry fails alone; throws what JSON.stringify throws.
   */
  private queueResult(item: ResultItem): void {
    this.pendingResults.push(JSON.stringify(item));
    if (this.pendingResults.length > 1) return;
    queueMicrotask(() => this.flushResults());
  }

  /** Sends the queued results, in as few frames as result-frames.ts allows. */
  private flushResults(): void {
    const items = this.pendingResults;
    if (items.length === 0) return;
    this.pendingResults = [];
    const socket = this.socket;
    if (!socket || socket.readyState !== 1) return;
    for (const frame of resultFrames(items)) socket.send(frame);
  }

  private dropWork(): void {
    this.queue = [];
    for (const id of this.running.keys()) this.options.executor.cancel(id);
    this.running.clear();
  }

  private send(message: object): void {
    // Frames keep their order: results queued before this one go first.
    this.flushResults();
    const socket = this.socket;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
  }

  private scheduleReconnect(): void {
    const { initialMs, maxMs } = this.options.reconnect ?? {
      initialMs: 250,
      maxMs: 10_000,
    };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt);
    this.attempt++;
    const delayMs = base / 2 + Math.random() * (base / 2);
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private setState(state: ClientState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }
}

function clampShare(share: number): number {
  return Math.min(1, Math.max(0.05, share));
}

/** Whether a server error code closes the connection. */
export function isFatal(code: keyof typeof ERRORS): boolean {
  return ERRORS[code].fatal;
}
