/**
 * A tabgrid job: each task renders a band of rows of the Mandelbrot set.
 *
 * Input (one per task; examples/mandelbrot-png.ts makes them):
 *   { width, height, y0, rows, maxIter, centerX, centerY, viewWidth }
 * where the band is rows y0 .. y0 + rows - 1 of a width × height image of
 * the complex plane around (centerX, centerY), viewWidth wide.
 *
 * Output: { y0, rows, width, maxIter, counts } with `counts` the escape
 * iteration of every pixel, row by row, as little-endian 16-bit integers in
 * base64; a point that never escapes counts maxIter.
 *
 * Only + and * on doubles, which JavaScript evaluates the same way in every
 * engine, so every replica of a band returns the same bytes.
 */

const MAX_SIDE = 8192;
const MAX_ITER = 65535;

export default async function mandelbrotBand(input, ctx) {
  const band = checkInput(input);
  const counts = new Uint16Array(band.width * band.rows);
  for (let row = 0; row < band.rows; row++) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    renderRow(band, band.y0 + row, counts.subarray(row * band.width));
    ctx.progress((row + 1) / band.rows);
  }
  return {
    y0: band.y0,
    rows: band.rows,
    width: band.width,
    maxIter: band.maxIter,
    counts: toBase64(new Uint8Array(littleEndian(counts))),
  };
}

function renderRow(band, y, out) {
  const step = band.viewWidth / band.width;
  const cy = band.centerY + (y - band.height / 2 + 0.5) * step;
  for (let x = 0; x < band.width; x++) {
    const cx = band.centerX + (x - band.width / 2 + 0.5) * step;
    out[x] = escapeCount(cx, cy, band.maxIter);
  }
}

function escapeCount(cx, cy, maxIter) {
  // The main cardioid and the period-2 bulb never escape: skip their loop.
  const qx = cx - 0.25;
  const q = qx * qx + cy * cy;
  if (q * (q + qx) <= 0.25 * cy * cy) return maxIter;
  if ((cx + 1) * (cx + 1) + cy * cy <= 0.0625) return maxIter;
  let x = 0;
  let y = 0;
  let x2 = 0;
  let y2 = 0;
  let i = 0;
  while (x2 + y2 <= 4 && i < maxIter) {
    y = 2 * x * y + cy;
    x = x2 - y2 + cx;
    x2 = x * x;
    y2 = y * y;
    i++;
  }
  return i;
}

/** The bytes of a Uint16Array in little-endian order, whatever the machine's. */
function littleEndian(counts) {
  const bytes = new ArrayBuffer(counts.length * 2);
  const view = new DataView(bytes);
  counts.forEach((c, i) => view.setUint16(i * 2, c, true));
  return bytes;
}

const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without btoa, which not every job sandbox offers. */
function toBase64(bytes) {
  const parts = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n =
      (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    parts.push(
      ALPHABET[(n >> 18) & 63] +
        ALPHABET[(n >> 12) & 63] +
        (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=') +
        (i + 2 < bytes.length ? ALPHABET[n & 63] : '='),
    );
  }
  return parts.join('');
}

function checkInput(input) {
  const band = input ?? {};
  const whole = (name, min, max) => {
    const v = band[name];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new RangeError(
        `input.${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`,
      );
  };
  const finite = (name) => {
    if (!Number.isFinite(band[name]))
      throw new RangeError(
        `input.${name} must be a finite number, got ${JSON.stringify(band[name])}`,
      );
  };
  whole('width', 1, MAX_SIDE);
  whole('height', 1, MAX_SIDE);
  whole('y0', 0, band.height - 1);
  whole('rows', 1, band.height - band.y0);
  whole('maxIter', 1, MAX_ITER);
  finite('centerX');
  finite('centerY');
  finite('viewWidth');
  return band;
}
