import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { correlationHeader, type RequestContract } from '@shelflink/contracts';
import { natsRequestsHandled, runWithCorrelation, sanitizeCorrelationId } from '@shelflink/observability';
import type { z } from 'zod';
import { errorReply } from './bus-error.reply.js';
import { parseRequest } from './rpc.js';

const utf8 = new TextDecoder();
const utf8Out = new TextEncoder();
const encodedReplies = new WeakMap<object, Uint8Array>();

/**
 * Serializes `reply` now, once, for every answer that returns this same object: a cached reply served thousands of
 * times a second (a token) would otherwise be stringified and encoded for each. The object must not change after.
 */
export function encodedOnce<T extends object>(reply: T): T {
  encodedReplies.set(reply, utf8Out.encode(JSON.stringify(reply)));
  return reply;
}

/**
 * Answers `contract.subject` on the raw NATS connection in queue group `queue` (none: every replica answers, a
 * broadcast the caller gathers), for the hottest subjects and broadcasts: it skips
 * the Nest microservice pipeline but keeps its wire shape (plain JSON, `{error: {code, message}}`), the caller's
 * correlation id and the request counters. `handle` gets the parsed request and the message (for its reply subject).
 */
export function answerRequests<Req extends z.ZodType, Res extends z.ZodType>(
  connection: NatsConnection,
  contract: RequestContract<Req, Res>,
  queue: string | undefined,
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
  if (msg.reply) msg.respond(encode(reply));
}

function encode(reply: unknown): Uint8Array | string {
  const encoded = typeof reply === 'object' && reply !== null ? encodedReplies.get(reply) : undefined;
  return encoded ?? JSON.stringify(reply);
}

function decode(data: Uint8Array): unknown {
  try {
    return data.length === 0 ? {} : JSON.parse(utf8.decode(data));
  } catch {
    return undefined;
  }
}
