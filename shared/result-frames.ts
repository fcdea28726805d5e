/**
 * How a volunteer's finished results become frames: those that finished in
 * one turn of its loop share a `results` frame, a lone one goes as `result`.
 * A frame holds at most RESULTS_PER_FRAME results, since each costs one frame
 * of the server's per-socket allowance (5 × maxFramesPerSecond at a burst),
 * and at most RESULTS_FRAME_BYTES, far under the server's maxFrameBytes; a
 * result too big to share goes alone.
 */
import { utf8Length } from './limits.ts';

export const RESULTS_PER_FRAME = 64;
export const RESULTS_FRAME_BYTES = 64 * 1024;

/** Frames for these results, each given as its JSON object text without `type`. */
export function resultFrames(items: readonly string[]): string[] {
  const frames: string[] = [];
  const close = (chunk: string[]) =>
    frames.push(
      chunk.length === 1
        ? `{"type":"result",${chunk[0]!.slice(1)}`
        : `{"type":"results","results":[${chunk.join(',')}]}`,
    );
  let chunk: string[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = utf8Length(item) + 1;
    const full =
      chunk.length >= RESULTS_PER_FRAME || bytes + size > RESULTS_FRAME_BYTES;
    if (chunk.length > 0 && full) {
      close(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) close(chunk);
  return frames;
}
