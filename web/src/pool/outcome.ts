/**
 * Turns what a sandbox worker answered into a TaskOutcome that is safe to put
 * on the wire. Job code shares the worker's realm and can forge any answer,
 * so nothing is taken on trust: a frame that broke the protocol's schema
 * would close the socket and drop every other lease this volunteer holds.
 */
import { DEFAULT_LIMITS, utf8Length } from '../../../shared/limits.ts';
import type { TaskErrorInfo } from '../../../shared/protocol.ts';
import type { TaskOutcome } from '../../../shared/volunteer-client.ts';

/** The protocol's caps on an error's text (see `taskError` in shared/protocol.ts). */
const MAX_MESSAGE_CHARS = 10_000;
const MAX_STACK_CHARS = 20_000;
/** Room left in a frame for the result's other fields. */
const FRAME_OVERHEAD_BYTES = 1024;

export function failure(
  message: string,
  kind: NonNullable<TaskErrorInfo['kind']>,
  elapsedMs: number,
): TaskOutcome {
  return { error: { message, kind }, elapsedMs };
}

function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

function errorOf(value: unknown): TaskErrorInfo {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as {
    message?: unknown;
    stack?: unknown;
  };
  const message = typeof raw.message === 'string' ? raw.message : 'task failed';
  const info: TaskErrorInfo = {
    message: clip(message, MAX_MESSAGE_CHARS),
    kind: 'thrown',
  };
  if (typeof raw.stack === 'string')
    info.stack = clip(raw.stack, MAX_STACK_CHARS);
  return info;
}

function outputOf(output: unknown, elapsedMs: number): TaskOutcome {
  let text: string | undefined;
  try {
    text = JSON.stringify(output);
  } catch {
    return failure('task output is not JSON-serialisable', 'thrown', elapsedMs);
  }
  if (text === undefined) return { output: null, elapsedMs };
  const bytes = utf8Length(text);
  const maxBytes = DEFAULT_LIMITS.maxFrameBytes - FRAME_OVERHEAD_BYTES;
  if (bytes > maxBytes) {
    return failure(
      `task output is ${bytes} bytes, over the limit of ${maxBytes}`,
      'thrown',
      elapsedMs,
    );
  }
  return { output, elapsedMs };
}

/** Checks a worker's answer field by field; anything else is a crashed task. */
export function outcomeOf(answer: unknown, elapsedMs: number): TaskOutcome {
  if (typeof answer !== 'object' || answer === null) {
    return failure('sandbox returned no result', 'crashed', elapsedMs);
  }
  if ('error' in answer) return { error: errorOf(answer.error), elapsedMs };
  if ('output' in answer) return outputOf(answer.output, elapsedMs);
  return failure(
    'sandbox returned neither output nor error',
    'crashed',
    elapsedMs,
  );
}
