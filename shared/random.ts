/**
 * The per-task random generator behind `ctx.random()`. It is seeded from the
 * job id and task index, so every replica of a Monte-Carlo task draws the
 * same numbers and replicas can agree. Not for cryptography.
 */

/** A 128-bit seed as four 32-bit words, derived from job id and task index. */
export function taskSeed(
  jobId: string,
  taskIndex: number,
): [number, number, number, number] {
  return hash128(`${jobId}#${taskIndex}`);
}

/** A function returning floats in [0, 1), reproducible from the seed (sfc32). */
export function seededRandom(
  seed: readonly [number, number, number, number],
): () => number {
  let [a, b, c, d] = seed;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  // The first outputs of sfc32 are weakly mixed; discard a few.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * A 128-bit non-cryptographic hash of a string: four FNV-1a lanes, each
 * salted differently, finished with a 32-bit avalanche mix.
 */
function hash128(text: string): [number, number, number, number] {
  const lanes: [number, number, number, number] = [0, 0, 0, 0];
  for (let lane = 0; lane < 4; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane + 1, 0x9e3779b9)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    lanes[lane] = avalanche(h ^ lane);
  }
  return lanes;
}

function avalanche(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
