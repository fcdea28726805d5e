/**
 * The contracts around the volunteer client: the socket it talks through,
 * the Executor that runs tasks, checkpoint storage, options and events.
 */
import type {
  CodeMessage,
  CreditMessage,
  ErrorMessage,
  Lease,
  TaskErrorInfo,
} from './protocol.ts';

/** The part of a WebSocket the client uses: the browser's and `ws`'s both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface TaskRun {
  lease: Lease;
  job: CodeMessage;
  /** Report a fraction done; the client forwards it, at most once a second. */
  onProgress(fraction: number): void;
  /** The state a previous run of this very lease saved with `ctx.checkpoint`. */
  checkpointed?: unknown;
  /** Saves a long task's state, so that a reload can resume it. */
  onCheckpoint(state: unknown): void;
}

/**
 * Where checkpoints are kept between runs of a lease (IndexedDB in the
 * browser). Keyed by lease: a lease re-sent after a reconnect keeps its id.
 */
export interface CheckpointStore {
  load(lease: Lease): Promise<unknown>;
  save(lease: Lease, state: unknown): void;
  clear(lease: Lease): void;
}

export interface TaskOutcome {
  output?: unknown;
  error?: TaskErrorInfo;
  elapsedMs: number;
}

/** Runs job code somewhere isolated: Web Workers, worker_threads. */
export interface Executor {
  run(run: TaskRun): Promise<TaskOutcome>;
  /** Stop a running task; its run() promise may still settle, and is ignored. */
  cancel(leaseId: number): void;
}

export type ClientState =
  'idle' | 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface VolunteerClientOptions {
  /** The coordinator's WebSocket URL, such as ws://127.0.0.1:8080/ws. */
  url: string;
  slots: number;
  executor: Executor;
  createSocket(url: string): SocketLike;
  token?: string;
  /** Called with the token the server issues, to keep it for next time. */
  saveToken?(token: string): void;
  agent?: string;
  /** Share of CPU time to use, in (0, 1]: after each task a slot rests in proportion. */
  cpuShare?: number;
  /** Rewrites outputs before they are sent. Fault injection for tests and the fleet only. */
  transformOutput?(output: unknown, lease: Lease): unknown;
  reconnect?: { initialMs: number; maxMs: number };
  checkpoints?: CheckpointStore;
}

export interface ClientEvents {
  state: ClientState;
  welcome: { volunteerId: string };
  job: CodeMessage;
  'task:start': Lease;
  'task:done': { lease: Lease; outcome: TaskOutcome };
  ack: number[];
  credit: CreditMessage;
  error: ErrorMessage;
}
