import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CanonicalEventPayload, RecordEntity } from '@shelflink/contracts';
import { AccountResolver } from '../provider/account.resolver.js';
import { PullerRegistry } from '../pullers/puller.registry.js';
import { RecordEventsPublisher } from '../records/record-events.publisher.js';
import { RecordsRepository } from '../records/records.repository.js';
import { SyncRunService } from '../sync-run/sync-run.service.js';

const STREAM_OF_KIND: Partial<Record<CanonicalEventPayload['kind'], RecordEntity>> = {
  'product.changed': 'products',
  'inventory.changed': 'inventory',
  'location.changed': 'locations',
};

/**
 * What a canonical webhook event triggers: an order is fetched (through the same limiter and breaker as pulls)
 * and upserted by source version, so a late event never overwrites newer data; other kinds queue an incremental
 * run of their stream (coalesced with any active one).
 */
@Injectable()
export class FollowUpService {
  constructor(
    private readonly accounts: AccountResolver,
    private readonly pullers: PullerRegistry,
    private readonly records: RecordsRepository,
    private readonly events: RecordEventsPublisher,
    private readonly runs: SyncRunService,
    private readonly dataSource: DataSource,
  ) {}

  async handle(event: CanonicalEventPayload): Promise<'applied' | 'ignored'> {
    if (!this.pullers.supports(event.provider)) return 'ignored';
    if (event.kind === 'order.changed' && event.externalId) return this.refreshOrder(event, event.externalId);
    const stream = STREAM_OF_KIND[event.kind];
    if (!stream) return 'ignored';
    await this.runs.enqueue({
      tenantId: event.tenantId,
      connectionId: event.connectionId,
      stream,
      mode: 'incremental',
      trigger: 'event',
    });
    return 'applied';
  }

  private async refreshOrder(event: CanonicalEventPayload, externalId: string): Promise<'applied' | 'ignored'> {
    const account = await this.accounts.resolve(event.tenantId, event.connectionId);
    const order = await this.pullers.forProvider(account.provider).fetchOrder(account, externalId);
    if (!order) return 'ignored';
    const source = { tenantId: event.tenantId, connectionId: event.connectionId, provider: account.provider };
    const changed = await this.dataSource.transaction((manager) =>
      this.records.upsertBatch(manager, 'orders', source, [order]),
    );
    this.events.publish('orders', source, changed);
    return 'applied';
  }
}
