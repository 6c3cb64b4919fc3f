import { BusError } from '@shelflink/contracts';
import { HttpApiError } from '@shelflink/observability';
import type { z } from 'zod';

/** sync-service answers admin calls from Postgres; a start also asks auth-service about the connection. */
export const SYNC_BUS_TIMEOUT_MS = 10_000;

/** Maps sync-service's bus errors to the HTTP contract. */
export function syncHttpError(error: unknown): HttpApiError {
  if (!(error instanceof BusError)) return new HttpApiError(500, 'INTERNAL', 'Internal error');
  switch (error.code) {
    case 'INVALID_REQUEST':
      return new HttpApiError(400, 'BAD_REQUEST', error.message);
    case 'NOT_FOUND':
      return new HttpApiError(404, 'NOT_FOUND', error.message);
    case 'CONFLICT':
    case 'NEEDS_REAUTH':
      return new HttpApiError(409, error.code, error.message);
    case 'UNAUTHENTICATED':
      return new HttpApiError(401, 'UNAUTHENTICATED', error.message);
    case 'FORBIDDEN':
      return new HttpApiError(403, 'FORBIDDEN', error.message);
    case 'PROVIDER_UNAVAILABLE':
    case 'RATE_LIMITED':
      return new HttpApiError(502, error.code, error.message);
    case 'UNAVAILABLE':
    case 'TIMEOUT':
      return new HttpApiError(503, 'UNAVAILABLE', 'The sync service is not answering right now');
    case 'INTERNAL':
      return new HttpApiError(500, 'INTERNAL', error.message);
  }
}

/** Validates a body, query or parameter with zod; the first issue names its field. */
export function validateInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'body';
  throw new HttpApiError(400, 'VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`);
}

/** Runs a bus call and rethrows its failure as the HTTP error. */
export async function viaSyncBus<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw syncHttpError(error);
  }
}
