/** Settings of {@link ProviderErrorRate}. */
export interface ErrorRateOptions {
  /** Percentage of errors (network errors and 5xx) that fires. */
  thresholdPercent: number;
  windowMs: number;
  /** Fewest responses in the window before it may fire. */
  minCalls: number;
}

/** A crossing of the threshold, either way. */
export interface ErrorRateCrossing {
  provider: string;
  state: 'firing' | 'resolved';
  errors: number;
  calls: number;
}

const BUCKETS = 10;

interface Window {
  /** Start of the newest bucket. */
  start: number;
  calls: number[];
  errors: number[];
  firing: boolean;
}

/**
 * Each provider's error rate over a sliding window of this replica's responses (ten buckets), and when it crosses the
 * threshold. It resolves only below half the threshold, so a rate hovering at the line does not flap.
 */
export class ProviderErrorRate {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: ErrorRateOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one response (status 0: no response at all); returns a crossing when this one made it. */
  record(provider: string, status: number): ErrorRateCrossing | undefined {
    const window = this.windowOf(provider);
    window.calls[0] = (window.calls[0] ?? 0) + 1;
    if (status === 0 || status >= 500) window.errors[0] = (window.errors[0] ?? 0) + 1;
    const calls = sum(window.calls);
    const errors = sum(window.errors);
    const percent = (errors / calls) * 100;
    if (!window.firing && calls >= this.options.minCalls && percent >= this.options.thresholdPercent) {
      window.firing = true;
      return { provider, state: 'firing', errors, calls };
    }
    if (window.firing && percent < this.options.thresholdPercent / 2) {
      window.firing = false;
      return { provider, state: 'resolved', errors, calls };
    }
    return undefined;
  }

  /** The provider's window with buckets older than the window dropped. */
  private windowOf(provider: string): Window {
    const bucketMs = this.options.windowMs / BUCKETS;
    const now = this.now();
    let window = this.windows.get(provider);
    if (!window) {
      window = { start: now, calls: [0], errors: [0], firing: false };
      this.windows.set(provider, window);
    }
    const shift = Math.min(BUCKETS, Math.floor((now - window.start) / bucketMs));
    if (shift > 0) {
      window.calls = [...new Array<number>(shift).fill(0), ...window.calls].slice(0, BUCKETS);
      window.errors = [...new Array<number>(shift).fill(0), ...window.errors].slice(0, BUCKETS);
      window.start += shift * bucketMs;
      if (now - window.start >= bucketMs) window.start = now;
    }
    return window;
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
