import { createInbox, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  BusError,
  busErrorSchema,
  chunkWindowHeader,
  correlationHeader,
  parseRequest,
  type ChunkCreditMessage,
  type RequestContract,
} from '@shelflink/contracts';
import { currentCorrelationId } from '@shelflink/observability';
import type { z } from 'zod';

/** What a chunked answer's chunks say; the last one has `done: true`. */
export interface ReplyChunk {
  done: boolean;
}

/** Chunks a requester takes unread by default: enough to overlap the responder's next page with its own work. */
export const DEFAULT_CHUNK_WINDOW = 4;

const credit = (message: ChunkCreditMessage): string => JSON.stringify(message);
const ONE_MORE = credit({ credit: 1 });
const CANCEL = credit({ cancel: true });

/**
 * A request answered by several replies (a paginated proxy walk): each reply is a chunk parsed with `chunk`, the
 * stream ends at the chunk with `done: true`, an error reply is thrown as its `BusError`, and `idleTimeoutMs` without
 * a chunk is TIMEOUT. Replies arrive on one fresh inbox under `inboxPrefix` (the only inboxes this user may read).
 * Flow control: at most `window` chunks come unread; each chunk the caller takes (asks for the next one after) is
 * credited back on the subject the chunk names as its reply, and a walk the caller leaves early is cancelled there.
 */
export async function* requestChunks<Req extends z.ZodType, C extends z.ZodType<ReplyChunk>>(
  connection: NatsConnection,
  inboxPrefix: string,
  contract: RequestContract<Req, z.ZodType>,
  subject: string,
  payload: z.input<Req>,
  chunk: C,
  idleTimeoutMs: number,
  window = DEFAULT_CHUNK_WINDOW,
): AsyncGenerator<z.output<C>, void, undefined> {
  const body = JSON.stringify(parseRequest(contract, payload));
  const inbox = createInbox(inboxPrefix);
  const subscription = connection.subscribe(inbox);
  const iterator = subscription[Symbol.asyncIterator]();
  let creditTo: string | undefined;
  let ended = false;
  try {
    const headers = natsHeaders();
    const correlationId = currentCorrelationId();
    if (correlationId) headers.set(correlationHeader, correlationId);
    headers.set(chunkWindowHeader, String(window));
    connection.publish(subject, body, { reply: inbox, headers });
    for (;;) {
      const next = await withIdleTimeout(iterator.next(), idleTimeoutMs, subject);
      if (next.done) throw new BusError('UNAVAILABLE', `The answer on ${subject} ended early`);
      // Ended either way: an error reply or the last chunk leaves nothing to cancel.
      ended = true;
      const parsed = parseChunk(next.value, chunk, subject);
      if (parsed.done) {
        yield parsed;
        return;
      }
      ended = false;
      creditTo = next.value.reply || creditTo;
      yield parsed;
      // Asked for the next one: the caller is done with this chunk.
      if (creditTo) connection.publish(creditTo, ONE_MORE);
    }
  } finally {
    if (!ended && creditTo && !connection.isClosed()) connection.publish(creditTo, CANCEL);
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
