const DEFAULT_MAX_SECONDS = 3600;
// Any length: a huge value is clamped like any other, never refused.
const DELTA_SECONDS = /^[0-9]+(?:\.[0-9]+)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '([0-9]{2}):([0-9]{2}):([0-9]{2})';
// RFC 9110 §5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime forms.
const IMF_FIXDATE = new RegExp(`^${DAY}, ([0-9]{2}) ${MONTH} ([0-9]{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, ([0-9]{2})-${MONTH}-([0-9]{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ 0-9][0-9]) ${TIME} ([0-9]{4})$`);

/** Options of {@link parseRetryAfter}. */
export interface RetryAfterOptions {
  /** Upper clamp in seconds (default 3600), so a hostile or buggy header cannot park a worker for days. */
  readonly maxSeconds?: number;
}

/**
 * Parses `Retry-After` (delta seconds, decimals such as Shopify's `2.0`, or an HTTP-date) into a delay in
 * milliseconds from `now`, clamped to [0, maxSeconds]. Garbage, negative values and repeated headers give undefined.
 */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  now: Date,
  options: RetryAfterOptions = {},
): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const maxMs = (options.maxSeconds ?? DEFAULT_MAX_SECONDS) * 1000;
  if (DELTA_SECONDS.test(text)) return clamp(Math.ceil(Number(text) * 1000), maxMs);
  const at = parseHttpDate(text);
  return at === undefined ? undefined : clamp(at - now.getTime(), maxMs);
}

/** An HTTP-date (RFC 9110 §5.6.7) as epoch milliseconds, or undefined. */
export function parseHttpDate(text: string): number | undefined {
  const imf = IMF_FIXDATE.exec(text);
  if (imf) return utc(imf[3], imf[2], imf[1], imf[4], imf[5], imf[6]);
  const rfc850 = RFC850.exec(text);
  if (rfc850) {
    // Two-digit years: RFC 9110 says pick the most recent past year with those digits; 70-99 → 19xx is close enough.
    const yy = Number(rfc850[3]);
    return utc(String(yy >= 70 ? 1900 + yy : 2000 + yy), rfc850[2], rfc850[1], rfc850[4], rfc850[5], rfc850[6]);
  }
  const asc = ASCTIME.exec(text);
  if (asc) return utc(asc[6], asc[1], asc[2]?.trim(), asc[3], asc[4], asc[5]);
  return undefined;
}

function utc(...parts: (string | undefined)[]): number | undefined {
  const [year, month, day, hour, minute, second] = parts;
  const m = MONTHS.indexOf(month ?? '');
  const [y, d, h, mi, s] = [year, day, hour, minute, second].map(Number);
  if (m < 0 || [y, d, h, mi, s].some((n) => n === undefined || !Number.isInteger(n))) return undefined;
  const ms = Date.UTC(y ?? 0, m, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
  const check = new Date(ms);
  // Refuse dates that rolled over (31 Feb, 25:00) rather than silently shifting them.
  if (check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || (s ?? 0) > 60)
    return undefined;
  return ms;
}

function clamp(ms: number, maxMs: number): number {
  return Math.min(Math.max(ms, 0), maxMs);
}
