/**
 * A token bucket: `rate` tokens a second, holding at most `burstSeconds` of
 * them, full at the start. The REST limit per key and the frame limit per
 * volunteer socket both use one.
 */
export class TokenBucket {
  private tokens: number;
  private at = Date.now();

  constructor(
    private readonly rate: number,
    private readonly burstSeconds: number,
  ) {
    this.tokens = rate * burstSeconds;
  }

  /** Takes `cost` tokens if there are that many; false, and takes none, if not. */
  take(cost = 1): boolean {
    const now = Date.now();
    this.tokens = Math.min(
      this.rate * this.burstSeconds,
      this.tokens + ((now - this.at) * this.rate) / 1000,
    );
    this.at = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
