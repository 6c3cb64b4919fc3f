import { Injectable } from '@nestjs/common';
import { ProviderHttpClient, type ProviderResponse } from '../provider/provider-http.client.js';
import { SubscriptionCallError } from './webhook-subscription.errors.js';

/** A shop's subscription as the Admin API lists it. */
export interface ShopifySubscription {
  id: string;
  topic: string;
  address: string;
}

/** Where a shop's Admin API is and how to authenticate (the connection's token headers). */
export interface ShopifyAdmin {
  apiBase: string;
  headers: Record<string, string>;
}

/**
 * Shopify's per-shop subscriptions through the REST Admin API (`webhooks.json`, PROVIDERS.md §2.2): one resource,
 * stable across versions, and what custom apps may still call; GraphQL `webhookSubscriptionCreate` is the same call.
 */
@Injectable()
export class ShopifySubscriptionsClient {
  constructor(private readonly http: ProviderHttpClient) {}

  async list(admin: ShopifyAdmin): Promise<ShopifySubscription[]> {
    const response = ok(
      await this.http.send({ method: 'GET', url: `${admin.apiBase}/webhooks.json?limit=250`, headers: admin.headers }),
    );
    const webhooks = (response.body as { webhooks?: unknown } | undefined)?.webhooks;
    if (!Array.isArray(webhooks)) throw new SubscriptionCallError('shopify', 'MALFORMED_RESPONSE');
    return webhooks.flatMap((item: unknown) => {
      const { id, topic, address } = (item ?? {}) as Record<string, unknown>;
      return (typeof id === 'number' || typeof id === 'string') &&
        typeof topic === 'string' &&
        typeof address === 'string'
        ? [{ id: String(id), topic, address }]
        : [];
    });
  }

  async create(admin: ShopifyAdmin, topic: string, address: string): Promise<void> {
    ok(
      await this.http.send({
        method: 'POST',
        url: `${admin.apiBase}/webhooks.json`,
        headers: admin.headers,
        json: { webhook: { topic, address, format: 'json' } },
      }),
    );
  }

  async delete(admin: ShopifyAdmin, id: string): Promise<void> {
    const response = await this.http.send({
      method: 'DELETE',
      url: `${admin.apiBase}/webhooks/${encodeURIComponent(id)}.json`,
      headers: admin.headers,
    });
    // Already gone is what we wanted.
    if (response.status !== 404) ok(response);
  }
}

function ok(response: ProviderResponse): ProviderResponse {
  if (response.status < 200 || response.status >= 300) throw SubscriptionCallError.ofStatus('shopify', response.status);
  return response;
}
