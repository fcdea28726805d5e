/**
 * Turns the verified outputs of a Mandelbrot job (examples/mandelbrot.mjs)
 * into a PNG. As a command, it reads a results download:
 *
 *   curl -H "authorization: Bearer $KEY" $URL/api/jobs/$ID/results > r.jsonl
 *   npx tsx examples/mandelbrot-png.ts r.jsonl mandelbrot.png
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

/** One task's output, as mandelbrot.mjs returns it. */
export interface Band {
  y0: number;
  rows: number;
  width: number;
  maxIter: number;
  counts: string;
}

export interface EscapeImage {
  width: number;
  height: number;
  maxIter: number;
  /** Escape count per pixel, row by row. */
  counts: Uint16Array;
}

/** Puts the bands together; every row must be covered exactly once. */
export function assembleBands(bands: Band[]): EscapeImage {
  const first = bands[0];
  if (!first) throw new Error('no bands: the job has no outputs');
  const { width, maxIter } = first;
  const height = Math.max(...bands.map((b) => b.y0 + b.rows));
  const counts = new Uint16Array(width * height);
  const covered = new Uint8Array(height);
  for (const band of bands) {
    if (band.width !== width || band.maxIter !== maxIter)
      throw new Error(`band at row ${band.y0} is from a different image`);
    const bytes = Buffer.from(band.counts, 'base64');
    if (bytes.length !== band.rows * width * 2)
      throw new Error(
        `band at row ${band.y0} has ${bytes.length} bytes, ` +
          `expected ${band.rows * width * 2}`,
      );
    for (let i = 0; i < band.rows * width; i++)
      counts[band.y0 * width + i] = bytes.readUInt16LE(i * 2);
    for (let y = band.y0; y < band.y0 + band.rows; y++) covered[y]!++;
  }
  const missing = covered.findIndex((c) => c !== 1);
  if (missing !== -1)
    throw new Error(`row ${missing} is covered ${covered[missing]} times`);
  return { width, height, maxIter, counts };
}

/** Inside the set black; outside, a gradient by how quickly a point escapes. */
export function colour(
  count: number,
  maxIter: number,
): [number, number, number] {
  if (count >= maxIter) return [0, 0, 0];
  const t = Math.sqrt(count / maxIter);
  const wave = (phase: number) =>
    Math.round(255 * (0.5 + 0.5 * Math.cos(2 * Math.PI * (t + phase))));
  return [wave(0.55), wave(0.65), wave(0.8)];
}

export function encodePng(image: EscapeImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  image.counts.forEach((count, i) => {
    const [r, g, b] = colour(count, image.maxIter);
    png.data[i * 4] = r;
    png.data[i * 4 + 1] = g;
    png.data[i * 4 + 2] = b;
    png.data[i * 4 + 3] = 255;
  });
  return PNG.sync.write(png);
}

/** Writes the PNG of a job's outputs to `path`, creating its folder. */
export function writeMandelbrotPng(bands: Band[], path: string): EscapeImage {
  const image = assembleBands(bands);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(image));
  return image;
}

function bandsFromResults(jsonl: string): Band[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = JSON.parse(line) as { output?: Band; error?: unknown };
      if (!parsed.output)
        throw new Error(`line ${i + 1} has no output: ${line.slice(0, 200)}`);
      return parsed.output;
    });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write(
      'usage: tsx examples/mandelbrot-png.ts RESULTS.jsonl OUT.png\n',
    );
    process.exit(2);
  }
  const image = writeMandelbrotPng(
    bandsFromResults(readFileSync(input, 'utf8')),
    output,
  );
  process.stdout.write(`wrote ${image.width}×${image.height} to ${output}\n`);
}
