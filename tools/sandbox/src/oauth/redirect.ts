/** Appends query parameters to a redirect URI, keeping any it already has (RFC 6749 §3.1.2). */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(key, value);
  return url.toString();
}

/** A string field of a parsed query or body, or undefined. */
export function field(source: unknown, key: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Whether the redirect URI is allowed for the app (any absolute http(s) URI when the app lists none). */
export function redirectAllowed(allowed: readonly string[] | undefined, uri: string): boolean {
  if (allowed && allowed.length > 0) return allowed.includes(uri);
  try {
    const protocol = new URL(uri).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
