/**
 * The volunteer protocol, spoken over one WebSocket at `/ws`: JSON text
 * frames, one message each, tagged by `type`. Both ends import this file;
 * the server checks every inbound frame against these schemas.
 *
 * A session: the volunteer sends `hello` (protocol version, its token if it
 * has one, its slots). The server answers `welcome` (its id and token), then
 * `code` once per job before that job's first `assign`. Each lease in an
 * `assign` ends with the volunteer's `result`, which the server `ack`s once it
 * is durable, or with the server's `cancel`; results that finish together
 * may share one `results` frame. `progress` reports a fraction
 * and extends the lease. `capacity` changes the slot count (0 pauses);
 * `release` hands back leases the volunteer will not start.
 * Liveness is WebSocket ping/pong, answered by the browser itself.
 */
import { z } from 'zod';
import type { ErrorCode } from './errors.ts';

export const PROTOCOL_VERSION = 1;

// ---- volunteer → server ----

const hello = z
  .object({
    type: z.literal('hello'),
    protocol: z.number().int(),
    token: z.string().max(200).optional(),
    slots: z.number().int().min(0).max(256),
    /** Free text such as the browser's user agent, shown to operators. */
    agent: z.string().max(300).optional(),
  })
  .strict();

const taskError = z
  .object({
    message: z.string().max(10_000),
    stack: z.string().max(20_000).optional(),
    /** `timeout` when the worker was stopped at the task's deadline. */
    kind: z.enum(['thrown', 'timeout', 'crashed']).optional(),
  })
  .strict();

const resultFields = {
  leaseId: z.number().int().positive(),
  output: z.unknown().optional(),
  error: taskError.optional(),
  elapsedMs: z.number().nonnegative(),
};

const oneOfOutputAndError = [
  (r: { output?: unknown; error?: unknown }) =>
    (r.error === undefined) !== (r.output === undefined),
  { message: 'a result has exactly one of output and error' },
] as const;

const result = z
  .object({ type: z.literal('result'), ...resultFields })
  .strict()
  .refine(...oneOfOutputAndError);

/** Most results one `results` frame may carry. */
export const MAX_RESULTS_PER_FRAME = 1000;

/** Several results in one frame, as they finished in one turn of the volunteer's loop. */
const results = z
  .object({
    type: z.literal('results'),
    results: z
      .array(
        z
          .object(resultFields)
          .strict()
          .refine(...oneOfOutputAndError),
      )
      .min(1)
      .max(MAX_RESULTS_PER_FRAME),
  })
  .strict();

const progress = z
  .object({
    type: z.literal('progress'),
    leaseId: z.number().int().positive(),
    fraction: z.number().min(0).max(1),
  })
  .strict();

const capacity = z
  .object({
    type: z.literal('capacity'),
    slots: z.number().int().min(0).max(256),
  })
  .strict();

const release = z
  .object({
    type: z.literal('release'),
    /** Leases the volunteer will not run (paused or stopping); requeued at once. */
    leaseIds: z.array(z.number().int().positive()).max(10_000),
  })
  .strict();

export const clientMessageSchemas = {
  hello,
  result,
  results,
  progress,
  capacity,
  release,
} as const;

export type HelloMessage = z.infer<typeof hello>;
export type ResultMessage = z.infer<typeof result>;
export type ResultsMessage = z.infer<typeof results>;
/** One result, whether it came alone or in a `results` frame. */
export type ResultItem = Omit<ResultMessage, 'type'>;
export type ProgressMessage = z.infer<typeof progress>;
export type CapacityMessage = z.infer<typeof capacity>;
export type ReleaseMessage = z.infer<typeof release>;
export type TaskErrorInfo = z.infer<typeof taskError>;
export type ClientMessage =
  | HelloMessage
  | ResultMessage
  | ResultsMessage
  | ProgressMessage
  | CapacityMessage
  | ReleaseMessage;

// ---- server → volunteer ----

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  volunteerId: string;
  /** Present this again in `hello` after a reconnect. */
  token: string;
  /** Leases held at most per slot. */
  prefetch: number;
}

export interface CodeMessage {
  type: 'code';
  jobId: string;
  hash: string;
  code: string;
  /** Shown to the volunteer, so they know what runs on their machine. */
  name: string;
  description: string;
}

export interface Lease {
  leaseId: number;
  jobId: string;
  taskIndex: number;
  input: unknown;
  /** Seed of `ctx.random()`: the same for every replica of a task. */
  seed: [number, number, number, number];
  /** The worker stops the task after this long and reports a timeout. */
  timeoutMs: number;
  /**
   * Which export runs: absent for the default export; `reduce` for a task of
   * the reduce stage, whose input is `{ outputs }` and which runs
   * `reduce(outputs, ctx)`.
   */
  entry?: 'reduce';
}

export interface AssignMessage {
  type: 'assign';
  leases: Lease[];
}

export interface AckMessage {
  type: 'ack';
  /** Leases whose results are now durable. */
  leaseIds: number[];
}

export interface CancelMessage {
  type: 'cancel';
  leaseIds: number[];
  reason: 'settled' | 'job-cancelled' | 'expired';
}

export interface CreditMessage {
  type: 'credit';
  /** Replicas of this volunteer validated by a quorum, in all. */
  validated: number;
  /** Results that disagreed with the settled output, in all. */
  rejected: number;
  /** CPU milliseconds of validated work, in all. */
  creditMs: number;
}

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  /** The lease concerned, for errors about one result. */
  leaseId?: number;
}

export type ServerMessage =
  | WelcomeMessage
  | CodeMessage
  | AssignMessage
  | AckMessage
  | CancelMessage
  | CreditMessage
  | ErrorMessage;

export type ParsedFrame =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string };

/** Parses one text frame from a volunteer. Never throws. */
export function parseClientFrame(text: string): ParsedFrame {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      code: 'BAD_JSON',
      message: `frame is not JSON: ${(err as Error).message}`,
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      message: 'frame must be a JSON object with a "type"',
    };
  }
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(clientMessageSchemas, type)) {
    return {
      ok: false,
      code: 'UNKNOWN_TYPE',
      message:
        `unknown message type ${JSON.stringify(type)}; expected one of ` +
        Object.keys(clientMessageSchemas).join(', '),
    };
  }
  const schema =
    clientMessageSchemas[type as keyof typeof clientMessageSchemas];
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : type;
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      message: `${type}: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, message: parsed.data as ClientMessage };
}

/** Parses a frame from the server. The server is trusted; this only decodes. */
export function parseServerFrame(text: string): ServerMessage {
  return JSON.parse(text) as ServerMessage;
}

/** Compile-time check that a switch on `type` handled every message. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
