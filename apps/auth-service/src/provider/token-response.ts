import type { OAuth2AuthSpec, RequestAuth, ProviderDefinition } from '@shelflink/providers';

/** Tokens parsed from a provider's token endpoint; kept in memory only until sealed. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  /** Non-secret extras worth keeping as metadata (Square merchant_id, granted scope). */
  extras: Record<string, string>;
}

/** Reads an RFC 6749 (or Square `expires_at`) token response; undefined when it carries no access token. */
export function parseTokenResponse(spec: OAuth2AuthSpec, body: unknown, now: number): IssuedTokens | undefined {
  const accessToken = readPath(body, spec.tokenResponse.accessTokenPath);
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  const record = (body ?? {}) as Record<string, unknown>;
  const refreshToken =
    typeof record.refresh_token === 'string' && record.refresh_token !== '' ? record.refresh_token : undefined;
  const extras: Record<string, string> = {};
  if (typeof record.merchant_id === 'string') extras.merchantId = record.merchant_id;
  if (typeof record.scope === 'string') extras.scope = record.scope;
  return {
    accessToken,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    tokenType: typeof record.token_type === 'string' ? record.token_type.toLowerCase() : 'bearer',
    accessExpiresAt: expiry(spec, record, now),
    refreshExpiresAt: refreshExpiry(record, now),
    extras,
  };
}

function expiry(spec: OAuth2AuthSpec, record: Record<string, unknown>, now: number): Date | null {
  if (spec.tokenResponse.expiry === 'expires_at' && typeof record.expires_at === 'string') {
    const at = Date.parse(record.expires_at);
    return Number.isFinite(at) ? new Date(at) : null;
  }
  const seconds = Number(record.expires_in);
  if (Number.isFinite(seconds) && seconds > 0) return new Date(now + seconds * 1000);
  return null;
}

function refreshExpiry(record: Record<string, unknown>, now: number): Date | null {
  if (typeof record.refresh_token_expires_at === 'string') {
    const at = Date.parse(record.refresh_token_expires_at);
    if (Number.isFinite(at)) return new Date(at);
  }
  const seconds = Number(record.refresh_token_expires_in);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(now + seconds * 1000) : null;
}

/** Dotted path lookup (`data.0.access_token`). */
export function readPath(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The headers a caller attaches: the provider's auth header plus pinned extras (Square-Version). */
export function requestHeaders(definition: ProviderDefinition, accessToken: string): Record<string, string> {
  const auth = definition.auth
    .map((spec) => spec.requestAuth)
    .find((r): r is Extract<RequestAuth, { kind: 'header' }> => r.kind === 'header');
  const header = auth?.header ?? 'Authorization';
  const format = auth?.format ?? 'Bearer {token}';
  return { ...definition.extraHeaders, [header]: format.replace('{token}', accessToken) };
}
