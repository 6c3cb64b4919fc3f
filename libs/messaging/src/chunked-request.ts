import { createInbox, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { BusError, busErrorSchema, correlationHeader, parseRequest, type RequestContract } from '@shelflink/contracts';
import { currentCorrelationId } from '@shelflink/observability';
import type { z } from 'zod';

/** What a chunked answer's chunks say; the last one has `done: true`. */
export interface ReplyChunk {
  done: boolean;
}

/**
 * A request answered by several replies (a paginated proxy walk): each reply is a chunk parsed with `chunk`, the
 * stream ends at the chunk with `done: true`, an error reply is thrown as its `BusError`, and `idleTimeoutMs` without
 * a chunk is TIMEOUT. Replies arrive on one fresh inbox under `inboxPrefix` (the only inboxes this user may read).
 */
export async function* requestChunks<Req extends z.ZodType, C extends z.ZodType<ReplyChunk>>(
  connection: NatsConnection,
  inboxPrefix: string,
  contract: RequestContract<Req, z.ZodType>,
  subject: string,
  payload: z.input<Req>,
  chunk: C,
  idleTimeoutMs: number,
): AsyncGenerator<z.output<C>, void, undefined> {
  const body = JSON.stringify(parseRequest(contract, payload));
  const inbox = createInbox(inboxPrefix);
  const subscription = connection.subscribe(inbox);
  const iterator = subscription[Symbol.asyncIterator]();
  try {
    const headers = natsHeaders();
    const correlationId = currentCorrelationId();
    if (correlationId) headers.set(correlationHeader, correlationId);
    connection.publish(subject, body, { reply: inbox, headers });
    for (;;) {
      const next = await withIdleTimeout(iterator.next(), idleTimeoutMs, subject);
      if (next.done) throw new BusError('UNAVAILABLE', `The answer on ${subject} ended early`);
      const parsed = parseChunk(next.value, chunk, subject);
      yield parsed;
      if (parsed.done) return;
    }
  } finally {
    subscription.unsubscribe();
  }
}

function parseChunk<C extends z.ZodType<ReplyChunk>>(msg: Msg, chunk: C, subject: string): z.output<C> {
  if (msg.data.length === 0) throw new BusError('UNAVAILABLE', `No service answers ${subject}`);
  let decoded: unknown;
  try {
    decoded = msg.json();
  } catch {
    throw new BusError('INTERNAL', `Malformed reply on ${subject}`);
  }
  const failure = busErrorSchema.safeParse(decoded);
  if (failure.success)
    throw new BusError(failure.data.error.code, failure.data.error.message, failure.data.error.reason);
  const parsed = chunk.safeParse(decoded);
  if (!parsed.success) throw new BusError('INTERNAL', `Malformed reply on ${subject}`);
  return parsed.data;
}

async function withIdleTimeout<T>(next: Promise<T>, timeoutMs: number, subject: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BusError('TIMEOUT', `No answer on ${subject} for ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([next, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
