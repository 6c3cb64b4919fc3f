import { ProviderCallError, type RetryOptions } from '@shelflink/resilience';
import type { ProviderAccount } from './provider-catalog.service.js';

/** A retryable refusal (5xx, 429) that carries the provider's answer: the proxy passes it through once retries end. */
export class RefusedAnswer extends ProviderCallError {
  constructor(
    error: ProviderCallError,
    readonly answer: Response,
  ) {
    super({ ...error, rateLimited: error.rateLimited, notProcessed: error.notProcessed, message: error.message });
  }
}

/** A non-2xx status no retry or renewal can change: the proxy returns it at once. */
export function isFinalAnswer(status: number): boolean {
  return status !== 401 && status !== 408 && status !== 429 && status < 500;
}

/** The answer a passthrough failure carries, handed to `take`; any other failure is thrown on. */
export function answerOrThrow<T>(error: unknown, take: (response: Response) => Promise<T>): Promise<T> {
  const answer = error instanceof ProviderCallError ? (error as { answer?: unknown }).answer : undefined;
  if (answer instanceof Response) return take(answer);
  throw error;
}

/** The caller's allow-listed headers under the account's (`Square-Version`) and the auth headers, which win. */
export function requestHeaders(
  account: ProviderAccount,
  request: { headers?: Readonly<Record<string, string>>; body?: unknown },
  auth: Readonly<Record<string, string>>,
): Headers {
  const headers = new Headers(request.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  // set() replaces whatever case the caller used: the catalog's and the auth headers are never the caller's.
  for (const [name, value] of Object.entries({ ...account.extraHeaders, ...auth })) headers.set(name, value);
  if (request.body !== undefined) headers.set('content-type', 'application/json');
  return headers;
}

/** The retry policy with the caller's lower deadline, when it gave one. */
export function withDeadline(retry: RetryOptions, deadlineMs: number | undefined): RetryOptions {
  if (deadlineMs === undefined || (retry.deadlineMs !== undefined && retry.deadlineMs <= deadlineMs)) return retry;
  return { ...retry, deadlineMs };
}
