import { Injectable } from '@nestjs/common';
import { BusError, type UnroutableEventSummary } from '@shelflink/contracts';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { UnroutableEventRepository, type UnroutableEventRow } from '../unroutable/unroutable-event.repository.js';
import { WebhookSecretsCache } from './webhook-secrets.cache.js';

/** The operator's view of unroutable deliveries, and the one way one becomes a connection's event: a named replay. */
@Injectable()
export class UnroutableReplayService {
  constructor(
    private readonly unroutable: UnroutableEventRepository,
    private readonly events: ReceivedEventRepository,
    private readonly secrets: WebhookSecretsCache,
    private readonly relay: OutboxRelay,
  ) {}

  async list(filter: {
    provider?: string;
    before?: string;
    limit: number;
  }): Promise<{ items: UnroutableEventSummary[]; nextBefore: string | null }> {
    const rows = await this.unroutable.list({
      limit: filter.limit,
      ...(filter.provider !== undefined ? { provider: filter.provider } : {}),
      ...(filter.before !== undefined ? { before: new Date(filter.before) } : {}),
    });
    const items = rows.map(toSummary);
    const last = items[items.length - 1];
    return { items, nextBefore: items.length === filter.limit && last ? last.receivedAt : null };
  }

  /**
   * Stores the event as the named connection's (same provider, same account, the tenant the operator named) and
   * processes it; a second replay to the same connection is a duplicate by the delivery id.
   */
  async replay(request: { id: string; tenantId: string; connectionId: string }): Promise<{
    eventId: string;
    duplicate: boolean;
  }> {
    const row = await this.unroutable.find(request.id);
    if (!row) throw new BusError('NOT_FOUND', 'No such unroutable event');
    // auth-service answers NOT_FOUND for a connection of another provider; another tenant's is refused alike.
    const current = (await this.secrets.get(row.provider, request.connectionId)).value;
    if (current.tenantId !== request.tenantId) throw new BusError('NOT_FOUND', 'No such connection for this provider');
    if (current.accountKey !== row.accountKey)
      throw new BusError('CONFLICT', "The connection's provider account is not the one the event names");
    const stored = await this.events.insertIfNew({
      tenantId: request.tenantId,
      provider: row.provider,
      connectionId: request.connectionId,
      dedupKey: row.dedupKey,
      providerEventId: row.providerEventId,
      eventType: row.eventType,
      headers: row.headers,
      rawBody: row.rawBody,
    });
    if (!stored.duplicate) this.relay.notify({ id: stored.id, generation: 0 });
    await this.unroutable.markReplayed(row.id, { ...request, eventId: stored.id });
    return { eventId: stored.id, duplicate: stored.duplicate };
  }
}

function toSummary(row: UnroutableEventRow): UnroutableEventSummary {
  return {
    id: row.id,
    provider: row.provider,
    accountKey: row.accountKey,
    dedupKey: row.dedupKey,
    eventType: row.eventType,
    receivedAt: row.receivedAt.toISOString(),
    replayedTo:
      row.replayedTenantId !== null && row.replayedConnectionId !== null && row.replayedEventId !== null
        ? { tenantId: row.replayedTenantId, connectionId: row.replayedConnectionId, eventId: row.replayedEventId }
        : null,
  };
}
