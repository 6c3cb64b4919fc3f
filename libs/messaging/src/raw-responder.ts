import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { BusError, correlationHeader, type BusErrorReply, type RequestContract } from '@shelflink/contracts';
import { natsRequestsHandled, runWithCorrelation, sanitizeCorrelationId } from '@shelflink/observability';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { parseRequest } from './rpc.js';

const logger = new Logger('RawResponder');
const utf8 = new TextDecoder();

/**
 * Answers `contract.subject` on the raw NATS connection in queue group `queue`, for the hottest subjects: it skips
 * the Nest microservice pipeline but keeps its wire shape (plain JSON, `{error: {code, message}}`), the caller's
 * correlation id and the request counters. `handle` gets the parsed request and the message (for its reply subject).
 */
export function answerRequests<Req extends z.ZodType, Res extends z.ZodType>(
  connection: NatsConnection,
  contract: RequestContract<Req, Res>,
  queue: string,
  handle: (request: z.output<Req>, msg: Msg) => Promise<z.input<Res>>,
): Subscription {
  return connection.subscribe(contract.subject, {
    queue,
    callback: (error, msg) => {
      if (!error) void answer(contract, msg, handle);
    },
  });
}

async function answer<Req extends z.ZodType, Res extends z.ZodType>(
  contract: RequestContract<Req, Res>,
  msg: Msg,
  handle: (request: z.output<Req>, msg: Msg) => Promise<z.input<Res>>,
): Promise<void> {
  const subject = contract.subject;
  const correlationId = sanitizeCorrelationId(msg.headers?.get(correlationHeader));
  const reply = await runWithCorrelation(correlationId, async () => {
    try {
      const response = await handle(parseRequest(contract, decode(msg.data)), msg);
      natsRequestsHandled.inc({ subject, outcome: 'ok' });
      return response;
    } catch (error) {
      const reply = errorReply(subject, error);
      natsRequestsHandled.inc({ subject, outcome: reply.error.code });
      return reply;
    }
  });
  if (msg.reply) msg.respond(JSON.stringify(reply));
}

/** The wire reply for a failure: a `BusError` keeps its code; anything else is INTERNAL with a logged errorId. */
export function errorReply(subject: string, error: unknown): BusErrorReply {
  if (error instanceof BusError) return { error: { code: error.code, message: error.message } };
  const errorId = randomUUID();
  // The name only: a message or stack may carry a secret the handler held.
  logger.error(`Unhandled error ${errorId} on ${subject}: ${error instanceof Error ? error.name : 'unknown'}`);
  return { error: { code: 'INTERNAL', message: `Internal error (errorId ${errorId})` } };
}

function decode(data: Uint8Array): unknown {
  try {
    return data.length === 0 ? {} : JSON.parse(utf8.decode(data));
  } catch {
    return undefined;
  }
}
