export interface RateLimit {
  /** Tokens added per second; 0 turns throttling off. */
  readonly rps: number;
  /** The most tokens the bucket holds, i.e. the largest burst let through at once. */
  readonly burst: number;
}

/** Route 53 meters API calls per account with a token bucket; one call takes one token. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private limit: RateLimit,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = clock();
  }

  tryTake(): boolean {
    if (this.limit.rps === 0) return true;
    const now = this.clock();
    const refill = ((now - this.updatedAt) / 1000) * this.limit.rps;
    this.tokens = Math.min(this.limit.burst, this.tokens + refill);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Starts a full bucket under the new limit, so a benchmark's first burst is predictable. */
  reconfigure(limit: RateLimit): void {
    this.limit = limit;
    this.tokens = limit.burst;
    this.updatedAt = this.clock();
  }
}
