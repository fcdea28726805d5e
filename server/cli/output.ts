/** Writing to stdout without outrunning it, and describing tasks that failed. */
import { once } from 'node:events';
import type { ResultLine, TaskError } from '../client/index.ts';

const FLUSH_BYTES = 64 * 1024;

/** Buffers small writes and waits for `drain` when the stream is full. */
export class Output {
  readonly #stream: NodeJS.WritableStream;
  #pending = '';

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  async write(text: string): Promise<void> {
    this.#pending += text;
    if (this.#pending.length >= FLUSH_BYTES) await this.flush();
  }

  async writeBytes(chunk: Uint8Array): Promise<void> {
    await this.flush();
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }

  async flush(): Promise<void> {
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    if (!this.#stream.write(text)) await once(this.#stream, 'drain');
  }
}

/** A task that ended without an output, or never ended. */
export interface Miss {
  index: number;
  how: 'errored' | 'failed' | 'no result';
  message?: string;
}

/** The miss a result line stands for, if it is not an output. */
export function missOf(line: ResultLine): Miss | undefined {
  if ('output' in line) return undefined;
  return {
    index: line.index,
    how: isServerVerdict(line.error) ? 'failed' : 'errored',
    message: describeError(line.error),
  };
}

/** The server gives a task up with a code; job code's own errors carry none. */
function isServerVerdict(error: TaskError): boolean {
  return typeof error.code === 'string';
}

function describeError(error: TaskError): string {
  const kind = error.kind && error.kind !== 'thrown' ? `${error.kind}: ` : '';
  const code = error.code ? ` (${error.code})` : '';
  return `${kind}${error.message}${code}`;
}

/** "3, 7, 10-14" for a sorted list of indexes, shortened after `maxRanges`. */
export function formatIndexes(indexes: number[], maxRanges = 20): string {
  const ranges: string[] = [];
  let shown = 0;
  for (let i = 0; i < indexes.length;) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1) j++;
    if (ranges.length === maxRanges) break;
    ranges.push(i === j ? `${indexes[i]}` : `${indexes[i]}-${indexes[j]}`);
    shown = j + 1;
    i = j + 1;
  }
  const rest = indexes.length - shown;
  return rest > 0 ? `${ranges.join(', ')} and ${rest} more` : ranges.join(', ');
}

/** Lines for stderr naming what went wrong, the first few with their errors. */
export function describeMisses(
  misses: Miss[],
  total: number,
  detailed = 10,
): string {
  const indexes = formatIndexes(misses.map((m) => m.index));
  const lines = [
    `tabgrid: ${misses.length} of ${total} tasks have no output: ${indexes}`,
  ];
  for (const m of misses.slice(0, detailed)) {
    const why = m.message ? `: ${firstLine(m.message)}` : '';
    lines.push(`  task ${m.index} ${m.how}${why}`);
  }
  if (misses.length > detailed)
    lines.push(
      `  … see 'tabgrid results ID' for the other ${misses.length - detailed}`,
    );
  return lines.join('\n') + '\n';
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Rows as left-aligned columns two spaces apart. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach(
      (cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)),
    );
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) =>
            i === row.length - 1 ? cell : cell.padEnd(widths[i]!),
          )
          .join('  '),
      )
      .join('\n') + '\n'
  );
}
