import { Logger } from '@nestjs/common';
import { BusError, type BusErrorReply } from '@shelflink/contracts';
import { randomUUID } from 'node:crypto';

const logger = new Logger('BusErrorReply');

/**
 * The one wire reply for a failed request, on every path (Nest handlers through `BusErrorFilter`, raw responders,
 * a batch's single deliveries). A `BusError` keeps its code, message and reason; anything else is INTERNAL with a
 * fresh errorId, in the reply and in the log line that says what broke. Neither the reply nor the log carries the
 * error's message or stack text (either may hold a secret the handler had): the log gets its name and call frames.
 */
export function errorReply(subject: string, error: unknown): BusErrorReply {
  if (error instanceof BusError) {
    const { code, message, reason } = error;
    return { error: { code, message, ...(reason !== undefined ? { reason } : {}) } };
  }
  const errorId = randomUUID();
  logger.error(`Unhandled error ${errorId} on ${subject}: ${describe(error)}`);
  return { error: { code: 'INTERNAL', message: `Internal error (errorId ${errorId})`, errorId } };
}

// The name and the "at ..." frames only: they say where it broke, never what the data was.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [error.name, ...frames].join('\n');
}
