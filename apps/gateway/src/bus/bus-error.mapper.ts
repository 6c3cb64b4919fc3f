import { BusError } from '@shelflink/contracts';
import { isPayloadTooLarge } from '@shelflink/messaging';
import { HttpApiError } from '@shelflink/observability';
import type { z } from 'zod';

/** Admin calls wait this long for auth-service; a code exchange (provider round trips, retries) longer. */
export const BUS_TIMEOUT_MS = 10_000;
export const CALLBACK_TIMEOUT_MS = 20_000;

const REASON = /^([A-Z][A-Z0-9_]{2,40}): (.*)$/s;

/** Maps a service's bus error to the HTTP contract; a `CODE: message` reason becomes the HTTP error code. */
export function toHttpError(error: unknown): HttpApiError {
  if (!(error instanceof BusError)) return new HttpApiError(500, 'INTERNAL', 'Internal error');
  const reason = REASON.exec(error.message);
  const code = reason?.[1];
  const message = reason?.[2] ?? error.message;
  switch (error.code) {
    case 'INVALID_REQUEST':
      return new HttpApiError(isPayloadTooLarge(error) ? 413 : 400, code ?? 'BAD_REQUEST', message);
    case 'NOT_FOUND':
      return new HttpApiError(404, 'NOT_FOUND', message);
    case 'CONFLICT':
      return new HttpApiError(409, 'CONFLICT', message);
    case 'NEEDS_REAUTH':
      return new HttpApiError(409, 'NEEDS_REAUTH', message);
    case 'UNAUTHENTICATED':
      return new HttpApiError(401, 'UNAUTHENTICATED', message);
    case 'FORBIDDEN':
      return new HttpApiError(403, 'FORBIDDEN', message);
    case 'PROVIDER_UNAVAILABLE':
    case 'RATE_LIMITED':
      return new HttpApiError(502, error.code, message);
    case 'UNAVAILABLE':
    case 'TIMEOUT':
      return new HttpApiError(503, 'UNAVAILABLE', 'The service is not answering right now');
    case 'INTERNAL':
      return new HttpApiError(500, 'INTERNAL', message);
  }
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
