import { Injectable, Logger } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { feedStreamFor, recordFeedSubject, tenantFeedStream } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { SyncConfig } from '../config/sync.config.js';

/** What a consumer service may read from the feed: auth-service's grant for it, or its removal. */
export interface FeedGrant {
  name: string;
  tenants: readonly string[];
  providers: readonly string[];
  connections: readonly string[];
  removed: boolean;
}

/**
 * The feed's JetStream streams: `RECORDS_FEED_<tenant>` per tenant (the relay publishes there), and per consumer
 * service `FEED_<NAME>`, which sources the tenant streams of its grant and nothing else; the service's NATS user
 * reaches only its own stream.
 */
@Injectable()
export class FeedStreams {
  private readonly logger = new Logger(FeedStreams.name);
  /** Tenant streams created or updated by this process (once each). */
  private readonly tenants = new Map<string, Promise<void>>();

  constructor(
    private readonly nats: NatsClient,
    private readonly config: SyncConfig,
  ) {}

  /** Creates the tenant's stream once per process; a failure is forgotten so the next call tries again. */
  ensureTenant(tenantId: string): Promise<void> {
    let ensured = this.tenants.get(tenantId);
    if (!ensured) {
      ensured = this.nats.ensureStream({
        name: tenantFeedStream(tenantId),
        subjects: [recordFeedSubject(tenantId, '*')],
        maxAgeMs: this.retentionMs(),
      });
      ensured.catch(() => this.tenants.delete(tenantId));
      this.tenants.set(tenantId, ensured);
    }
    return ensured;
  }

  /** Brings `FEED_<NAME>` in line with the grant: sources its tenants, drops what a narrowed grant no longer covers. */
  async apply(grant: FeedGrant): Promise<void> {
    const stream = feedStreamFor(grant.name);
    const manager = await jetstreamManager(this.nats.connection);
    // The feed is granted per tenant; a grant narrowed to providers or connections gets none (fail closed).
    const narrowed = grant.providers.length > 0 || grant.connections.length > 0;
    if (narrowed && !grant.removed)
      this.logger.warn(`service ${grant.name}: its grant is narrowed to providers or connections; no feed for it`);
    if (grant.removed || narrowed) {
      await manager.streams.delete(stream).catch(() => undefined);
      return;
    }
    const tenants = [...grant.tenants];
    await Promise.all(tenants.map((tenantId) => this.ensureTenant(tenantId)));
    const before = await manager.streams.info(stream).then(
      (info) => (info.config.sources ?? []).map((source) => source.name),
      () => [],
    );
    await this.nats.ensureStream({
      name: stream,
      sources: tenants.map(tenantFeedStream),
      maxAgeMs: this.retentionMs(),
    });
    // What was copied in from a tenant no longer granted leaves with the grant.
    for (const tenantId of tenantsOf(before)) {
      if (!tenants.includes(tenantId))
        await manager.streams.purge(stream, { filter: recordFeedSubject(tenantId, '*') });
    }
  }

  /** The consumer services' streams that copy the tenant's stream. */
  async sourcing(tenantId: string): Promise<string[]> {
    const manager = await jetstreamManager(this.nats.connection);
    const names: string[] = [];
    for await (const { config } of manager.streams.list()) {
      const copiesTenant = (config.sources ?? []).some((source) => source.name === tenantFeedStream(tenantId));
      if (config.name.startsWith(feedStreamFor('')) && copiesTenant) names.push(config.name);
    }
    return names;
  }

  private retentionMs(): number {
    return this.config.SYNC_FEED_RETENTION_HOURS * 3_600_000;
  }
}

/** Tenant ids from the names of tenant streams. */
function tenantsOf(streams: readonly string[]): string[] {
  const prefix = tenantFeedStream('');
  return streams.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
}
