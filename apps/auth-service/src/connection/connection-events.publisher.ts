import { Injectable, Logger, Optional } from '@nestjs/common';
import { connectionChangedEvent, subjects, type ConnectionChangedEvent } from '@shelflink/contracts';
import { AlertPublisher, NatsClient } from '@shelflink/messaging';
import { describeUnexpected } from '@shelflink/observability';

/**
 * Announces committed connection changes on `auth.event.connection.changed.v1` (core NATS, at most once): listeners'
 * caches (webhook-ingest's routing) drop what it names, and their TTL bounds a lost announcement. A connection that
 * needs a reconnect is also an operator alert (`needs_reauth`), resolved when it is active again or disconnected.
 */
@Injectable()
export class ConnectionEventsPublisher {
  private readonly logger = new Logger(ConnectionEventsPublisher.name);

  // Optional: Nest contexts without a bus (the repository's medium tests) have no one to tell.
  constructor(
    @Optional() private readonly nats?: NatsClient,
    @Optional() private readonly alerts?: AlertPublisher,
  ) {}

  /** `reason` given: the change was of its status (see {@link alert}). */
  changed(event: ConnectionChangedEvent, reason?: string | null): void {
    if (reason !== undefined) this.alert(event, reason);
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

  // A resolved observation of a connection that never needed a reconnect is dropped by sync-service's alert states.
  private alert(event: ConnectionChangedEvent, reason: string | null): void {
    const { tenantId, connectionId, provider, status } = event;
    const firing = status === 'needs_reauth';
    void this.alerts?.publish({
      kind: 'needs_reauth',
      state: firing ? 'firing' : 'resolved',
      key: connectionId,
      tenantId,
      connectionId,
      provider,
      cause: firing
        ? `${provider} connection ${connectionId} needs re-authorization (${reason ?? 'refused'}); reconnect it`
        : `${provider} connection ${connectionId} is ${status}`,
    });
  }
}
