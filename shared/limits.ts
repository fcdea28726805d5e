/**
 * Default limits. The server reads each from a flag or environment variable
 * (see server/config.ts); these are the values when nothing is said.
 */
export const DEFAULT_LIMITS = {
  /** Largest WebSocket frame a volunteer may send. */
  maxFrameBytes: 1024 * 1024,
  /** Largest job module source. */
  maxCodeBytes: 1024 * 1024,
  /** Largest single task input, as JSON text. */
  maxInputBytes: 256 * 1024,
  /** Largest single task output, as JSON text. */
  maxResultBytes: 256 * 1024,
  /** Largest JSON request body (a spec with inline inputs). */
  maxBodyBytes: 16 * 1024 * 1024,
  /** Largest streamed inputs upload. */
  maxUploadBytes: 2 * 1024 * 1024 * 1024,
  /** Most tasks in one job. */
  maxTasksPerJob: 10_000_000,
  /** Most volunteer sockets open from one IP address. */
  maxConnectionsPerAddress: 64,
  /** Most frames per second one volunteer socket may send, averaged over 5 s. */
  maxFramesPerSecond: 2000,
  /** Most REST requests per second per API key (token bucket, burst 4x). */
  maxRequestsPerSecond: 50,
} as const;

export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** Bytes of `text` once UTF-8 encoded, without allocating a buffer. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
