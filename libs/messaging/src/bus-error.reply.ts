import { Logger } from '@nestjs/common';
import { BusError, type BusErrorReply } from '@shelflink/contracts';
import { describeUnexpected } from '@shelflink/observability';
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
  logger.error(`Unhandled error ${errorId} on ${subject}: ${describeUnexpected(error)}`);
  return { error: { code: 'INTERNAL', message: `Internal error (errorId ${errorId})`, errorId } };
}
