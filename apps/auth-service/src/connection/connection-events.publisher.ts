import { Injectable, Logger, Optional } from '@nestjs/common';
import { connectionChangedEvent, subjects, type ConnectionChangedEvent } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { describeUnexpected } from '@shelflink/observability';

/**
 * Announces committed connection changes on `auth.event.connection.changed.v1` (core NATS, at most once): listeners'
 * caches (webhook-ingest's routing) drop what it names, and their TTL bounds a lost announcement.
 */
@Injectable()
export class ConnectionEventsPublisher {
  private readonly logger = new Logger(ConnectionEventsPublisher.name);

  // Optional: Nest contexts without a bus (the repository's medium tests) have no one to tell.
  constructor(@Optional() private readonly nats?: NatsClient) {}

  changed(event: ConnectionChangedEvent): void {
    if (!this.nats) return;
    try {
      this.nats.connection.publish(
        subjects.authEventConnectionChanged,
        JSON.stringify(connectionChangedEvent.parse(event)),
      );
    } catch (error) {
      this.logger.warn(`connection change not announced: ${describeUnexpected(error)}`);
    }
  }
}
