import type { ProviderHttpAnswer } from '@shelflink/providers';
import { ProviderCallError, type RetryOptions } from '@shelflink/resilience';
import type { ProviderAccount } from './provider-catalog.service.js';

/** A retryable refusal (5xx, 429) that carries the provider's answer: the proxy passes it through once retries end. */
export class RefusedAnswer extends ProviderCallError {
  constructor(
    error: ProviderCallError,
    readonly answer: ProviderHttpAnswer,
  ) {
    super({ ...error, rateLimited: error.rateLimited, notProcessed: error.notProcessed, message: error.message });
  }
}

/** A non-2xx status no retry or renewal can change: the proxy returns it at once. */
export function isFinalAnswer(status: number): boolean {
  return status !== 401 && status !== 408 && status !== 429 && status < 500;
}

/** The answer a passthrough failure carries, handed to `take`; any other failure is thrown on. */
export function answerOrThrow<T>(error: unknown, take: (response: ProviderHttpAnswer) => Promise<T>): Promise<T> {
  const answer = error instanceof ProviderCallError ? (error as { answer?: ProviderHttpAnswer }).answer : undefined;
  if (answer !== undefined) return take(answer);
  throw error;
}

/**
 * The caller's allow-listed headers under the account's (`Square-Version`) and the auth headers, which win; names
 * lower-cased, so a later one replaces whatever case an earlier one used.
 */
export function requestHeaders(
  account: ProviderAccount,
  request: { headers?: Readonly<Record<string, string>>; body?: unknown },
  auth: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.accept ??= 'application/json';
  for (const [name, value] of Object.entries(account.extraHeaders)) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(auth)) headers[name.toLowerCase()] = value;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  return headers;
}

/** The retry policy with the caller's lower deadline, when it gave one. */
export function withDeadline(retry: RetryOptions, deadlineMs: number | undefined): RetryOptions {
  if (deadlineMs === undefined || (retry.deadlineMs !== undefined && retry.deadlineMs <= deadlineMs)) return retry;
  return { ...retry, deadlineMs };
}
