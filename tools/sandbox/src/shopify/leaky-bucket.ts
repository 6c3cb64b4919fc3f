/** Shopify REST's leaky bucket: each call adds one; the bucket drains at `leakPerSecond`. */
export interface BucketConfig {
  readonly capacity: number;
  readonly leakPerSecond: number;
}

export type BucketResult = { ok: true; used: number } | { ok: false; used: number };

export class LeakyBucket {
  private level = 0;
  private lastAt: number | null = null;

  constructor(public config: BucketConfig) {}

  /** Tries to add one request at time `now` (ms). */
  take(now: number): BucketResult {
    this.drain(now);
    if (this.level + 1 > this.config.capacity) return { ok: false, used: this.config.capacity };
    this.level += 1;
    return { ok: true, used: Math.ceil(this.level) };
  }

  private drain(now: number): void {
    if (this.lastAt !== null) {
      const leaked = (Math.max(0, now - this.lastAt) / 1000) * this.config.leakPerSecond;
      this.level = Math.max(0, this.level - leaked);
    }
    this.lastAt = now;
  }
}
