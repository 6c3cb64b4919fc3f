/** RFC 3339 UTC with milliseconds (Square style). */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO 8601 with a fixed UTC offset and second precision (Shopify style: `2026-07-10T11:00:00-05:00`). */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** Parses an ISO 8601 / RFC 3339 timestamp; undefined when it is not one. */
export function parseTime(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
