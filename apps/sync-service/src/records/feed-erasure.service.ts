import { Injectable } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  type Consumer,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { recordFeedConnectionHeader, recordFeedSubject, tenantFeedStream } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { randomUUID } from 'node:crypto';
import { FeedStreams } from './feed-streams.service.js';

/** Messages one pull reads: what waits in memory at once, to be read in full or erased. */
const pageSize = 500;
/** A pull that finds nothing ends after this; a scan normally ends before, on its last message's pending count. */
const pullExpiresMs = 1_000;
/** The server drops a scan's consumer this long after its last pull, should this process die mid-scan. */
const scanConsumerIdleNs = 60_000_000_000;

/** A message of a page: its sequence and the connection its header names ('' for one published before the header). */
interface Seen {
  seq: number;
  connectionId: string;
}

/**
 * Erases a connection's messages from the record feed: its tenant's stream, then every consumer service's stream
 * that copies it. A stream is read by headers only, a page at a time; a message without the connection header is read
 * in full. Each match is deleted with erase (its bytes overwritten), so a second pass finds nothing.
 */
@Injectable()
export class FeedErasure {
  constructor(
    private readonly nats: NatsClient,
    private readonly streams: FeedStreams,
  ) {}

  /** Returns how many messages were erased, across all the streams. */
  async eraseConnection(tenantId: string, connectionId: string): Promise<number> {
    const manager = await jetstreamManager(this.nats.connection);
    const filter = recordFeedSubject(tenantId, '*');
    // The tenant's stream first: what it no longer holds is never copied into a service's stream afterwards.
    let erased = await this.eraseFrom(manager, tenantFeedStream(tenantId), filter, connectionId);
    for (const stream of await this.streams.sourcing(tenantId))
      erased += await this.eraseFrom(manager, stream, filter, connectionId);
    return erased;
  }

  private async eraseFrom(manager: JetStreamManager, stream: string, filter: string, connectionId: string) {
    const name = `redact_${randomUUID().replaceAll('-', '')}`;
    const created = await manager.consumers
      .add(stream, {
        name,
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filter,
        headers_only: true,
        mem_storage: true,
        inactive_threshold: scanConsumerIdleNs,
      })
      .catch(unless(isStreamNotFound, null));
    if (!created) return 0;
    try {
      const consumer = await jetstream(this.nats.connection).consumers.get(stream, name);
      let erased = 0;
      let more = created.num_pending > 0;
      while (more) {
        const page = await readPage(consumer);
        erased += await erase(manager, stream, await this.matching(manager, stream, page.seen, connectionId));
        more = page.more;
      }
      return erased;
    } finally {
      await manager.consumers.delete(stream, name).catch(() => undefined);
    }
  }

  /** Sequences of the page's messages that belong to the connection, by header or, lacking one, by payload. */
  private async matching(manager: JetStreamManager, stream: string, seen: readonly Seen[], connectionId: string) {
    const byHeader = seen.filter((m) => m.connectionId === connectionId).map((m) => m.seq);
    const legacy = seen.filter((m) => m.connectionId === '');
    const byPayload = await Promise.all(
      legacy.map(async ({ seq }) => {
        const message = await manager.streams.getMessage(stream, { seq });
        return message && payloadConnection(message.string()) === connectionId ? [seq] : [];
      }),
    );
    return [...byHeader, ...byPayload.flat()];
  }
}

/** One pull's messages; `more` while the server says some follow the last one. */
async function readPage(consumer: Consumer): Promise<{ seen: Seen[]; more: boolean }> {
  const seen: Seen[] = [];
  let pending = 0;
  for await (const message of await consumer.fetch({ max_messages: pageSize, expires: pullExpiresMs })) {
    seen.push({ seq: message.seq, connectionId: message.headers?.get(recordFeedConnectionHeader) ?? '' });
    pending = message.info.pending;
    if (pending === 0) break;
  }
  return { seen, more: seen.length > 0 && pending > 0 };
}

/** Deletes (erasing) the messages; one already gone (a concurrent redaction) is not counted. */
async function erase(manager: JetStreamManager, stream: string, seqs: readonly number[]): Promise<number> {
  const deleted = await Promise.all(
    seqs.map((seq) => manager.streams.deleteMessage(stream, seq, true).catch(unless(isMessageGone, false))),
  );
  return deleted.filter(Boolean).length;
}

function payloadConnection(body: string): unknown {
  try {
    return (JSON.parse(body) as { payload?: { connectionId?: unknown } }).payload?.connectionId;
  } catch {
    return undefined;
  }
}

/** A rejection handler: `value` for an error `expected` says is no failure, that error again otherwise. */
function unless<T>(expected: (error: unknown) => boolean, value: T): (error: unknown) => T {
  return (error) => {
    if (expected(error)) return value;
    throw error;
  };
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
}

// A delete of a message already gone fails with the generic delete error (10057) saying so.
function isMessageGone(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.message === 'no message found';
}
