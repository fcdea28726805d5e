/**
 * A one-line progress bar for stderr, drawn only on a terminal. It redraws on
 * each progress event and once a second (so the rate and ETA move), and
 * measures the rate over the last RATE_WINDOW_MS of samples.
 */
import type { JobView } from '../client/index.ts';

const RATE_WINDOW_MS = 10_000;
const TICK_MS = 1000;
const STALL_MS = 2000;

interface Sample {
  atMs: number;
  ended: number;
}

/** The bar's text for a view, fitted to `columns`. Pure, so it can be tested. */
export function renderProgress(
  view: JobView,
  tasksPerSecond: number | undefined,
  columns: number,
): string {
  const { total, settled, failed, errored, leased } = view.counts;
  const ended = settled + failed;
  const fraction = total > 0 ? ended / total : 0;
  const parts = [`${ended}/${total}`];
  if (errored > 0) parts.push(`${errored} errored`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (view.state === 'queued' && leased === 0) parts.push('queued');
  else if (tasksPerSecond !== undefined && tasksPerSecond > 0) {
    parts.push(`${formatRate(tasksPerSecond)}/s`);
    if (ended < total)
      parts.push(`ETA ${formatDuration((total - ended) / tasksPerSecond)}`);
  }
  const text = ` ${Math.floor(fraction * 100)}% ${parts.join(' · ')}`;
  const width = Math.max(0, Math.min(40, columns - text.length - 3));
  const line =
    width >= 10 ? `[${bar(fraction, width)}]${text}` : text.trimStart();
  return line.slice(0, Math.max(0, columns - 1));
}

function bar(fraction: number, width: number): string {
  const full = Math.round(fraction * width);
  return '#'.repeat(full) + '-'.repeat(width - full);
}

function formatRate(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** 42s, 3m05s, 2h10m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600)
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #samples: Sample[] = [];
  readonly #timer: NodeJS.Timeout;
  #view: JobView | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#timer = setInterval(() => this.#draw(), TICK_MS);
    // The bar never keeps the process alive on its own.
    this.#timer.unref();
  }

  update(view: JobView): void {
    this.#view = view;
    const now = Date.now();
    this.#samples.push({
      atMs: now,
      ended: view.counts.settled + view.counts.failed,
    });
    while (
      this.#samples.length > 2 &&
      now - this.#samples[0]!.atMs > RATE_WINDOW_MS
    )
      this.#samples.shift();
    this.#draw();
  }

  /** Draws the last state and moves to a fresh line. */
  finish(): void {
    clearInterval(this.#timer);
    if (!this.#view) return;
    this.#draw();
    this.#stream.write('\n');
  }

  #rate(): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last) return undefined;
    // Up to the last sample while samples flow; up to now once they stop,
    // so that a stalled job's rate falls instead of freezing.
    const now = Date.now();
    const endMs = now - last.atMs > STALL_MS ? now : last.atMs;
    const spanMs = endMs - first.atMs;
    if (spanMs < 500) return undefined;
    return ((last.ended - first.ended) * 1000) / spanMs;
  }

  #draw(): void {
    if (!this.#view) return;
    const line = renderProgress(
      this.#view,
      this.#rate(),
      this.#stream.columns || 80,
    );
    // \r returns to the line start; \x1b[K clears what a longer line left.
    this.#stream.write(`\r${line}\x1b[K`);
  }
}
