import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { ConnectionRedaction } from './connection-redaction.service.js';
import { FeedErasure } from './feed-erasure.service.js';
import { FeedOutboxRepository } from './feed-outbox.repository.js';
import { FeedReconciler } from './feed-reconciler.service.js';
import { FeedStreams } from './feed-streams.service.js';
import { FeedRelay } from './feed.relay.js';
import { RecordEventsPublisher } from './record-events.publisher.js';
import { RecordsController } from './records.controller.js';
import { RecordsRepository } from './records.repository.js';

/** The canonical records, their read subjects, their change events and the durable record feed. */
@Module({
  imports: [IdentityModule],
  controllers: [RecordsController],
  providers: [
    RecordsRepository,
    RecordEventsPublisher,
    FeedOutboxRepository,
    FeedRelay,
    FeedStreams,
    FeedReconciler,
    FeedErasure,
    ConnectionRedaction,
  ],
  exports: [RecordsRepository, RecordEventsPublisher, FeedStreams],
})
export class RecordsModule {}
