/**
 * A tabgrid job: each task throws `samples` random points at the unit square
 * and counts those inside the quarter circle. π ≈ 4 × Σ hits / Σ samples.
 *
 * Input: { samples } (a whole number, at most 100 million).
 * Output: { hits, samples }.
 *
 * The points come from ctx.random(), which the coordinator seeds from the
 * job and the task, so every replica of a task draws the same points and
 * returns the same count: replicas can agree, and a wrong count stands out.
 */

const MAX_SAMPLES = 100_000_000;
/** Check for cancellation and report progress this often (a power of two). */
const CHECK_EVERY = 1 << 16;

export default async function countHits(input, ctx) {
  const samples = input?.samples;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES)
    throw new RangeError(
      `input.samples must be a whole number from 1 to ${MAX_SAMPLES}, ` +
        `got ${JSON.stringify(samples)}`,
    );
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    const x = ctx.random();
    const y = ctx.random();
    if (x * x + y * y < 1) hits++;
    if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      ctx.progress(i / samples);
    }
  }
  return { hits, samples };
}
