import { BusError, type BusErrorCode, type ErrorReason } from '@shelflink/contracts';
import { HttpApiError } from '@shelflink/observability';
import { z } from 'zod';

/** Admin calls wait this long for auth-service; a code exchange (provider round trips, retries) longer. */
export const BUS_TIMEOUT_MS = 10_000;
export const CALLBACK_TIMEOUT_MS = 20_000;

/** What the gateway's callers can be refused for: a bus error code, or the finer reason a service gave. */
export type RefusalKey = BusErrorCode | ErrorReason;

/** The one mapping from bus error codes and reasons to HTTP statuses. */
export function httpStatusOf(key: RefusalKey): number {
  switch (key) {
    case 'INVALID_REQUEST':
    case 'VALIDATION_FAILED':
    case 'OAUTH_STATE_MISSING':
    case 'OAUTH_STATE_INVALID':
    case 'OAUTH_STATE_REPLAYED':
    case 'OAUTH_STATE_EXPIRED':
    case 'OAUTH_ACCESS_DENIED':
    case 'OAUTH_PROVIDER_ERROR':
    case 'OAUTH_CODE_MISSING':
    case 'OAUTH_PKCE_MISSING':
    case 'OAUTH_HMAC_INVALID':
    case 'OAUTH_SHOP_INVALID':
    case 'OAUTH_EXCHANGE_FAILED':
    case 'RETURN_URL_NOT_ALLOWED':
    case 'PROVIDER_NOT_ALLOWED':
    case 'CREDENTIALS_REFUSED':
    case 'INSTALL_SHOP_INVALID':
    case 'MISSING_DEDUP_ID':
    case 'MALFORMED_BODY':
    case 'MISSING_ACCOUNT_KEY':
    case 'INVALID_PATH':
    case 'INVALID_HEADER':
      return 400;
    case 'UNAUTHENTICATED':
    case 'MISSING_SECRET':
    case 'MISSING_SIGNATURE':
    case 'MALFORMED_SIGNATURE':
    case 'BAD_SIGNATURE':
    case 'TIMESTAMP_OUT_OF_TOLERANCE':
    case 'INSTALL_HMAC_INVALID':
    case 'INSTALL_LINK_EXPIRED':
      return 401;
    case 'FORBIDDEN':
    case 'ACCOUNT_MISMATCH':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_CONNECTION':
    case 'CONNECT_PAGE_INVALID':
    case 'NO_APP_ROUTE':
    case 'INSTALL_NOT_CONFIGURED':
      return 404;
    case 'CONNECT_PAGE_EXPIRED':
    case 'CONNECT_PAGE_USED':
      return 410;
    case 'CONFLICT':
    case 'NEEDS_REAUTH':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'INTERNAL':
      return 500;
    case 'PROVIDER_UNAVAILABLE':
    case 'RATE_LIMITED':
      return 502;
    case 'UNAVAILABLE':
    case 'TIMEOUT':
      return 503;
    default:
      return unreachable(key);
  }
}

/** Maps a service's bus error to the HTTP contract: its reason, when it gave one, is the HTTP error code. */
export function toHttpError(error: unknown): HttpApiError {
  if (!(error instanceof BusError)) return new HttpApiError(500, 'INTERNAL', 'Internal error');
  const status = httpStatusOf(error.reason ?? error.code);
  if (error.code === 'UNAVAILABLE' || error.code === 'TIMEOUT')
    return new HttpApiError(status, 'UNAVAILABLE', 'The service is not answering right now');
  const code = error.reason ?? (error.code === 'INVALID_REQUEST' ? 'BAD_REQUEST' : error.code);
  return new HttpApiError(status, code, error.message);
}

function unreachable(key: never): never {
  throw new Error(`No HTTP status for ${String(key)}`);
}

/** Validates a body, query or path parameter (named by `name`) with zod; the first issue names its field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, name = 'body'): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : name;
  throw new HttpApiError(400, 'VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`);
}

/** Runs a bus call and rethrows its failure as the HTTP error. */
export async function viaBus<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toHttpError(error);
  }
}

/** A connection id in a path or query: what auth-service hands out, nothing that could smuggle syntax. */
export const connectionIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a connection id');
