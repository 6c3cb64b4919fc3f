import { Injectable } from '@nestjs/common';
import {
  recordChangedSubjects,
  type Envelope,
  type RecordChangedPayload,
  type RecordEntity,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import type { ChangedRecord, RecordSource } from './records.repository.js';

/** Publishes `records.<entity>.changed.v1`, one event per changed record, after the change committed. */
@Injectable()
export class RecordEventsPublisher {
  constructor(private readonly nats: NatsClient) {}

  publish(entity: RecordEntity, source: RecordSource, changed: readonly ChangedRecord[]): void {
    const subject = recordChangedSubjects[entity];
    const occurredAt = new Date().toISOString();
    for (const record of changed) {
      const payload: RecordChangedPayload = {
        ...source,
        entity,
        recordId: record.id,
        externalId: record.externalId,
        sourceVersion: record.sourceVersion,
        deleted: record.deleted,
      };
      const envelope: Envelope<RecordChangedPayload> = {
        id: `${record.id}:${record.sourceVersion}`,
        subject,
        occurredAt,
        payload,
      };
      this.nats.connection.publish(subject, JSON.stringify(envelope));
    }
  }
}
