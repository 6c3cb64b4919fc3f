import { Injectable } from '@nestjs/common';
import {
  BusError,
  type adminWebhooksListResponse,
  type adminWebhooksStatusResponse,
  type adminWebhooksSyncResponse,
} from '@shelflink/contracts';
import type { z } from 'zod';
import { withProviderCall } from '../call-log/call-log.service.js';
import { ConnectionRepository } from '../connection/connection.repository.js';
import type { ConnectionRecord } from '../connection/connection.types.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { urlParams } from '../provider/token-exchange.client.js';
import { TokenService } from '../token/token.service.js';
import { ShopifySubscriptionsClient, topicEnum, type ShopifyAdmin } from './shopify-subscriptions.client.js';
import { planSubscriptions, type ListedSubscription } from './subscription-plan.js';
import { asBusError } from './webhook-subscription.errors.js';

type SyncResult = z.infer<typeof adminWebhooksSyncResponse>;
type Listing = Omit<z.infer<typeof adminWebhooksListResponse>, 'registration'>;

const ACTOR = 'webhook-subscriptions';

/** One connection's per-shop subscriptions at Shopify: read, made to match the configured topics, removed. */
@Injectable()
export class WebhookSubscriptionService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly registry: ProviderRegistry,
    private readonly tokens: TokenService,
    private readonly shopify: ShopifySubscriptionsClient,
  ) {}

  /** True when Shelflink registers this connection's subscriptions itself (Shopify, unless the app config does). */
  registersFor(connection: Pick<ConnectionRecord, 'provider' | 'authMode'>): boolean {
    return (
      connection.provider === 'shopify' &&
      connection.authMode !== 'none' &&
      this.registry.webhookSubscriptions('shopify').registration === 'connection'
    );
  }

  /** Per configured provider with signed webhooks: the URL and topics providers deliver with. */
  status(): z.infer<typeof adminWebhooksStatusResponse> {
    const providers = this.registry
      .configuredProviders()
      .filter((provider) => provider.definition.webhook.scheme !== 'none')
      .map(({ key, definition }) => {
        const { registration, topics } = this.registry.webhookSubscriptions(key);
        return {
          provider: key,
          scheme: definition.webhook.scheme,
          registration,
          registeredByShelflink: key === 'shopify' && registration === 'connection',
          url:
            registration === 'app'
              ? this.registry.appWebhookUrl(key)
              : `${this.registry.appWebhookUrl(key)}/{connectionId}`,
          topics: [...topics],
        };
      });
    return { providers };
  }

  async list(tenantId: string, connectionId: string): Promise<Listing> {
    const { connection, url } = await this.target(tenantId, connectionId);
    const listed = await this.call(connection, () => this.admin(connection).then((admin) => this.shopify.list(admin)));
    return { url, wanted: [...this.wanted()], subscriptions: this.view(listed, url) };
  }

  async sync(tenantId: string, connectionId: string): Promise<SyncResult> {
    const { connection, url } = await this.target(tenantId, connectionId);
    return this.apply(connection, url, this.wanted());
  }

  /** At disconnect, while the token still works: delete every subscription pointing at this connection. */
  async removeAll(connection: ConnectionRecord): Promise<SyncResult> {
    return this.apply(connection, this.registry.connectionWebhookUrl(connection.provider, connection.id), []);
  }

  private async apply(connection: ConnectionRecord, url: string, wanted: readonly string[]): Promise<SyncResult> {
    return this.call(connection, async () => {
      const admin = await this.admin(connection);
      const before = await this.shopify.list(admin);
      const plan = planSubscriptions(before, url, wanted.map(topicEnum));
      for (const topic of plan.create) await this.shopify.create(admin, topic, url);
      for (const subscription of plan.remove) await this.shopify.delete(admin, subscription.id);
      const changed = plan.create.length + plan.remove.length > 0;
      const name = this.topicNames();
      return {
        url,
        created: plan.create.map(name),
        deleted: plan.remove.map((subscription) => name(subscription.topic)),
        subscriptions: this.view(changed ? await this.shopify.list(admin) : before, url),
      };
    });
  }

  /** Listed subscriptions with their REST topic names (as configured), and whether they point at this connection. */
  private view(listed: readonly ListedSubscription[], url: string) {
    const name = this.topicNames();
    return listed.map((s) => ({ ...s, topic: name(s.topic), ours: s.address === url }));
  }

  /** GraphQL enum → the configured REST name (`ORDERS_CREATE` → `orders/create`); an unknown enum stays as it is. */
  private topicNames(): (topic: string) => string {
    const names = new Map(this.wanted().map((topic) => [topicEnum(topic), topic]));
    return (topic) => names.get(topic) ?? topic;
  }

  private wanted(): readonly string[] {
    return this.registry.webhookSubscriptions('shopify').topics;
  }

  private async target(tenantId: string, connectionId: string): Promise<{ connection: ConnectionRecord; url: string }> {
    const snapshot = await this.connections.findSnapshot(connectionId, tenantId);
    if (!snapshot) throw new BusError('NOT_FOUND', 'Connection not found');
    const { connection } = snapshot;
    if (!this.registersFor(connection))
      throw new BusError(
        'INVALID_REQUEST',
        `Shelflink does not register ${connection.provider} subscriptions per connection`,
      );
    return { connection, url: this.registry.connectionWebhookUrl(connection.provider, connection.id) };
  }

  private async admin(connection: ConnectionRecord): Promise<ShopifyAdmin> {
    const definition = this.registry.definition(connection.provider);
    const apiBase = this.registry.url(connection.provider, definition.apiBase ?? '', urlParams(connection.metadata));
    const { headers } = await this.tokens.get(connection.tenantId, connection.id, ACTOR);
    return { apiBase, headers };
  }

  private async call<T>(connection: ConnectionRecord, work: () => Promise<T>): Promise<T> {
    const { tenantId, id: connectionId, provider } = connection;
    try {
      return await withProviderCall({ tenantId, connectionId, provider }, work);
    } catch (error) {
      throw asBusError('shopify', error);
    }
  }
}
