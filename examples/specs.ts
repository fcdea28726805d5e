/**
 * Job specs for the examples, ready to POST to /api/jobs. The demo uses
 * them; `tsx examples/specs.ts mandelbrot|pi > spec.json` prints one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface MandelbrotView {
  width: number;
  height: number;
  /** Rows per task: more rows, fewer and longer tasks. */
  rowsPerTask: number;
  maxIter: number;
  centerX: number;
  centerY: number;
  /** Width of the view in the complex plane. */
  viewWidth: number;
}

export const DEFAULT_VIEW: MandelbrotView = {
  width: 800,
  height: 560,
  rowsPerTask: 16,
  maxIter: 1000,
  centerX: -0.65,
  centerY: 0,
  viewWidth: 3.2,
};

function exampleCode(file: string): string {
  return readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
}

/** One input per band of `rowsPerTask` rows, the last band shorter. */
export function mandelbrotInputs(view: MandelbrotView) {
  const { rowsPerTask, ...image } = view;
  const inputs = [];
  for (let y0 = 0; y0 < view.height; y0 += rowsPerTask) {
    inputs.push({
      width: image.width,
      height: image.height,
      y0,
      rows: Math.min(rowsPerTask, view.height - y0),
      maxIter: image.maxIter,
      centerX: image.centerX,
      centerY: image.centerY,
      viewWidth: image.viewWidth,
    });
  }
  return inputs;
}

export function mandelbrotSpec(view: MandelbrotView = DEFAULT_VIEW) {
  return {
    name: 'Mandelbrot set',
    description:
      `Renders a ${view.width}×${view.height} image of the Mandelbrot set, ` +
      `${view.rowsPerTask} rows per task.`,
    code: exampleCode('./mandelbrot.mjs'),
    inputs: mandelbrotInputs(view),
    quorum: 2,
    timeoutMs: 60_000,
  };
}

/** `tasks` tasks of `samplesPerTask` points each. */
export function monteCarloPiSpec(tasks = 20, samplesPerTask = 1_000_000) {
  return {
    name: 'Monte-Carlo π',
    description:
      `Estimates π from ${tasks} × ${samplesPerTask.toLocaleString('en')} ` +
      `random points in the unit square.`,
    code: exampleCode('./monte-carlo-pi.mjs'),
    inputs: Array.from({ length: tasks }, () => ({ samples: samplesPerTask })),
    quorum: 2,
    timeoutMs: 60_000,
  };
}

/** π from the tasks' verified outputs. */
export function estimatePi(outputs: Array<{ hits: number; samples: number }>) {
  let hits = 0;
  let samples = 0;
  for (const o of outputs) {
    hits += o.hits;
    samples += o.samples;
  }
  if (samples === 0) throw new Error('no samples: no task has an output');
  return { pi: (4 * hits) / samples, hits, samples };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const which = process.argv[2];
  const specs: Record<string, () => object> = {
    mandelbrot: () => mandelbrotSpec(),
    pi: () => monteCarloPiSpec(),
  };
  const make = which ? specs[which] : undefined;
  if (!make) {
    process.stderr.write('usage: tsx examples/specs.ts mandelbrot|pi\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(make()) + '\n');
}
