import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

/** Runs `work` with a correlation id that logs and outgoing NATS requests carry. */
export function runWithCorrelation<T>(correlationId: string | undefined, work: () => T): T {
  return storage.run({ correlationId: sanitizeCorrelationId(correlationId) ?? randomUUID() }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Accepts only short printable ids, so a caller cannot inject log lines or huge headers. */
export function sanitizeCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}

/** The caller's correlation id from HTTP headers, when it sent a usable one. */
export function correlationHeaderFor(headers: Record<string, string | string[] | undefined>): string | undefined {
  return sanitizeCorrelationId(headers['x-correlation-id'] ?? headers['x-request-id']);
}
