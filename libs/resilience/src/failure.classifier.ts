import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong, type FailureKind } from './resilience.errors.js';
import type { HeaderBag } from '@shelflink/providers';

/** An HTTP failure as a fetch wrapper sees it, before (or instead of) throwing. */
export interface HttpFailure {
  status: number;
  headers?: HeaderBag;
  method?: string;
}

// Network failures where the request may or may not have reached the provider: retry idempotent calls only.
const TRANSIENT_NETWORK_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// Failures before a single byte was sent: even a non-idempotent POST may be retried.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND']);

/**
 * Classifies a failed provider call:
 * - `rate-limited`: 429, or a {@link ProviderCallError} its caller marked so (a provider's own rate-limit body codes are
 *   read from its catalog entry, in sync-service).
 * - `transient`: 5xx, 408, timeouts, ECONNRESET, ECONNREFUSED, socket hang up and other network failures.
 * - `permanent`: every other 4xx (including 401/403 auth failures), aborts by the caller, an open circuit,
 *   a rate-limit wait that would be too long, and unknown errors (programming bugs are not retried).
 */
export function classifyFailure(failure: unknown): FailureKind {
  if (isHttpFailure(failure)) return classifyHttp(failure);
  if (failure instanceof ProviderCallError) {
    if (failure.rateLimited) return 'rate-limited';
    return failure.transient ? 'transient' : 'permanent';
  }
  if (failure instanceof CircuitOpenError || failure instanceof RateLimitWaitTooLong) return 'permanent';
  return isTransientNetworkError(failure) ? 'transient' : 'permanent';
}

/**
 * True when the failure proves the provider did not process the request, so a non-idempotent call
 * (a POST that creates) may be repeated: the connection was refused / never established, or the
 * provider rejected it for rate or concurrency reasons (429, or an error marked rate-limited) before doing anything.
 */
export function provesNotProcessed(failure: unknown): boolean {
  if (isHttpFailure(failure)) return classifyHttp(failure) === 'rate-limited';
  if (failure instanceof ProviderCallError) return failure.notProcessed || NOT_SENT_CODES.has(failure.code);
  return causeChain(failure).some((e) => NOT_SENT_CODES.has(codeOf(e) ?? ''));
}

/**
 * Builds the {@link ProviderCallError} a fetch wrapper throws for a non-2xx response: its code is `HTTP_<status>`; the
 * message holds only the status and that code, never the body or headers.
 */
export function providerErrorFromResponse(failure: HttpFailure, retryAfterMs?: number): ProviderCallError {
  const kind = classifyHttp(failure);
  return new ProviderCallError({
    code: `HTTP_${failure.status}`,
    status: failure.status,
    transient: kind !== 'permanent',
    rateLimited: kind === 'rate-limited',
    retryAfterMs,
  });
}

/**
 * Builds a {@link ProviderCallError} from a network-level error (fetch's `TypeError: fetch failed` with a
 * `cause`, a Node socket error, a timeout). Keeps only the error code; the original stays as `cause`.
 */
export function providerErrorFromNetwork(error: unknown): ProviderCallError {
  const code =
    causeChain(error)
      .map(codeOf)
      .find((c) => c !== undefined) ?? 'NETWORK_ERROR';
  return new ProviderCallError({
    code,
    transient: classifyFailure(error) === 'transient',
    notProcessed: provesNotProcessed(error),
    message: `Provider call failed: network error ${code}`,
    cause: error,
  });
}

function classifyHttp(failure: HttpFailure): FailureKind {
  const { status } = failure;
  if (status === 429) return 'rate-limited';
  if (status >= 500 || status === 408) return 'transient';
  return 'permanent';
}

function isHttpFailure(value: unknown): value is HttpFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}

function isTransientNetworkError(error: unknown): boolean {
  for (const e of causeChain(error)) {
    if (stringProp(e, 'name') === 'AbortError') return false;
    const code = codeOf(e);
    if (code !== undefined && (TRANSIENT_NETWORK_CODES.has(code) || NOT_SENT_CODES.has(code))) return true;
    if (stringProp(e, 'name') === 'TimeoutError' || /socket hang up/i.test(stringProp(e, 'message') ?? '')) return true;
  }
  return false;
}

// The error, its cause, and so on (fetch wraps the socket error as `cause`); bounded against cycles.
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  return stringProp(error, 'code');
}

// Property access without instanceof: DOMException and errors from other realms are not `instanceof Error`.
function stringProp(value: unknown, key: 'code' | 'name' | 'message'): string | undefined {
  const prop = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof prop === 'string' ? prop : undefined;
}
