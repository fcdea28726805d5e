/**
 * Streams between the client and fetch: inputs out as JSON Lines, pulled from
 * the caller's iterable only as fast as the socket takes them, and response
 * bodies in, split into lines. Nothing here holds a whole upload or download.
 */

/** Bytes gathered before a chunk is handed to fetch; keeps chunks few but small. */
const CHUNK_BYTES = 64 * 1024;

type AnyIterable<T> = AsyncIterable<T> | Iterable<T>;

/** Input values as a JSON Lines body, one value a line. */
export function jsonLinesBody(inputs: AnyIterable<unknown>): {
  body: ReadableStream<Uint8Array>;
  /** The error that broke the source, if one did (fetch hides it otherwise). */
  failure(): unknown;
} {
  let index = 0;
  const encode = (value: unknown): string => {
    const json = JSON.stringify(value);
    if (json === undefined)
      throw new TypeError(
        `inputs[${index}]: ${typeof value} cannot be encoded as JSON`,
      );
    index++;
    return json + '\n';
  };
  return pullBody(iteratorOf(inputs), encode);
}

/** Raw bytes or text (a file, stdin) as a request body, unchanged. */
export function rawBody(source: AnyIterable<Uint8Array | string>): {
  body: ReadableStream<Uint8Array>;
  failure(): unknown;
} {
  return pullBody(iteratorOf(source), (chunk) => chunk);
}

function pullBody<T>(
  source: AsyncIterator<T>,
  encode: (item: T) => string | Uint8Array,
) {
  const encoder = new TextEncoder();
  let failure: unknown;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const parts: Uint8Array[] = [];
        let bytes = 0;
        while (bytes < CHUNK_BYTES) {
          const next = await source.next();
          if (next.done) break;
          const item = encode(next.value);
          const part = typeof item === 'string' ? encoder.encode(item) : item;
          parts.push(part);
          bytes += part.byteLength;
        }
        if (parts.length > 0) controller.enqueue(concat(parts, bytes));
        if (bytes < CHUNK_BYTES) controller.close();
      } catch (err) {
        failure = err;
        controller.error(err);
      }
    },
    async cancel() {
      await source.return?.();
    },
  });
  return { body, failure: () => failure };
}

function iteratorOf<T>(source: AnyIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return {
    next: async () => it.next(),
    return: async () => it.return?.() ?? { done: true, value: undefined },
  };
}

function concat(parts: Uint8Array[], bytes: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The non-empty lines of a UTF-8 body, without their newlines. */
export async function* readLines(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let carry = '';
  for await (const chunk of body) {
    const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
    carry = lines.pop()!;
    for (const line of lines) if (line !== '') yield line;
  }
  carry += decoder.decode();
  if (carry !== '') yield carry;
}

/** One server-sent event: its `event:` name (default `message`) and `data:` text. */
export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * The events of a `text/event-stream` body. Comments (`: ...`) are skipped;
 * multi-line `data:` is joined with newlines, as the format says.
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder();
  let carry = '';
  let event = 'message';
  let data: string[] = [];
  for await (const chunk of body) {
    const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
    carry = lines.pop()!;
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
  }
}
