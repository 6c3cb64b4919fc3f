/** A request-count window: at most `requests` per `seconds`, optionally also at most `hourly` per hour. */
export interface WindowConfig {
  readonly requests: number;
  readonly seconds: number;
  readonly hourly?: number;
}

export interface WindowResult {
  readonly ok: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** When the oldest counted request leaves the window that refused (or the short window when accepted). */
  readonly resetAt: number;
}

/**
 * Sliding-window limiter over exact request times, so a test can check the ledger against the same rule
 * ("no more than N requests in any window of S seconds"). Refused requests are not counted.
 */
export class WindowLimiter {
  private times: number[] = [];

  constructor(public config: WindowConfig) {}

  take(now: number): WindowResult {
    const { requests, seconds, hourly } = this.config;
    const windowMs = seconds * 1000;
    this.times = this.times.filter((t) => t > now - Math.max(windowMs, hourly ? 3_600_000 : 0));
    const inShort = this.times.filter((t) => t > now - windowMs);
    if (inShort.length >= requests)
      return { ok: false, limit: requests, remaining: 0, resetAt: (inShort[0] ?? now) + windowMs };
    if (hourly !== undefined && this.times.length >= hourly)
      return { ok: false, limit: hourly, remaining: 0, resetAt: (this.times[0] ?? now) + 3_600_000 };
    this.times.push(now);
    return {
      ok: true,
      limit: requests,
      remaining: requests - inShort.length - 1,
      resetAt: (inShort[0] ?? now) + windowMs,
    };
  }
}
