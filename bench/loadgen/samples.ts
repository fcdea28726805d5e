/** A bounded store of latency samples in milliseconds, with percentiles. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatencySamples {
  private readonly values: Float64Array;
  private length = 0;
  /** Samples that did not fit; counted, not kept. */
  dropped = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (this.length < this.values.length) this.values[this.length++] = ms;
    else this.dropped++;
  }

  clear(): void {
    this.length = 0;
    this.dropped = 0;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.length).sort();
    const at = (q: number) =>
      sorted.length === 0
        ? NaN
        : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return {
      count: sorted.length,
      p50Ms: at(0.5),
      p90Ms: at(0.9),
      p99Ms: at(0.99),
      maxMs: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
    };
  }
}
