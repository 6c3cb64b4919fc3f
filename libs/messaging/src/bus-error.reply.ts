import { Logger } from '@nestjs/common';
import { BusError, type BusErrorReply } from '@shelflink/contracts';
import { describeUnexpected } from '@shelflink/observability';
import { randomUUID } from 'node:crypto';

const logger = new Logger('BusErrorReply');

// A database connection lost, refused or not had in time (Postgres or a pooler restarting, pgbouncer's 08P01): SQLSTATE
// class 08 or 57P01-57P03, a socket error, or node-postgres's own connection messages.
const connectionSqlState = /^(08|57P0[1-3])/;
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const poolMessage =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

function isConnectionLoss(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (connectionSqlState.test(code) || socketCodes.has(code))) return true;
  return typeof message === 'string' && poolMessage.test(message);
}

/**
 * The one wire reply for a failed request, on every path (Nest handlers through `BusErrorFilter`, raw responders,
 * a batch's single deliveries). A `BusError` keeps its code, message and reason; a lost database connection is
 * UNAVAILABLE (the caller may retry); anything else is INTERNAL with a fresh errorId, in the reply and in the log line
 * that says what broke. Neither the reply nor the log carries the error's message or stack text (either may hold a
 * secret the handler had): the log gets its name and call frames.
 */
export function errorReply(subject: string, error: unknown): BusErrorReply {
  if (error instanceof BusError) {
    const { code, message, reason } = error;
    return { error: { code, message, ...(reason !== undefined ? { reason } : {}) } };
  }
  if (isConnectionLoss(error)) {
    logger.warn(`Database connection lost on ${subject}: ${describeUnexpected(error)}`);
    return { error: { code: 'UNAVAILABLE', message: 'The database cannot be reached right now; retry' } };
  }
  const errorId = randomUUID();
  logger.error(`Unhandled error ${errorId} on ${subject}: ${describeUnexpected(error)}`);
  return { error: { code: 'INTERNAL', message: `Internal error (errorId ${errorId})`, errorId } };
}
