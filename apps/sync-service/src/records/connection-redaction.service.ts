import { Injectable, Logger } from '@nestjs/common';
import { FeedErasure } from './feed-erasure.service.js';
import { FeedRelay } from './feed.relay.js';
import { RecordsRepository } from './records.repository.js';

/** What a redaction removed: canonical records, and messages erased from the record feed's streams. */
export interface RedactionCounts {
  deleted: number;
  feedMessages: number;
}

/**
 * A connection's erasure on a provider's request: its canonical records and its changes still in the feed's outbox
 * (one transaction), then its messages in the feed's streams. Idempotent: run again, it finds nothing more.
 */
@Injectable()
export class ConnectionRedaction {
  private readonly logger = new Logger(ConnectionRedaction.name);

  constructor(
    private readonly records: RecordsRepository,
    private readonly relay: FeedRelay,
    private readonly erasure: FeedErasure,
  ) {}

  async redact(tenantId: string, connectionId: string): Promise<RedactionCounts> {
    const deleted = await this.records.deleteForConnection(tenantId, connectionId);
    // Envelopes this process queued before the delete committed reach their stream before the scan looks there.
    await this.relay.settled();
    const feedMessages = await this.erasure.eraseConnection(tenantId, connectionId);
    this.logger.log(`connection ${connectionId} redacted: ${deleted} records, ${feedMessages} feed messages erased`);
    return { deleted, feedMessages };
  }
}
