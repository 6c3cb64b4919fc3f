import { Injectable } from '@nestjs/common';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import type { ListedSubscription } from './subscription-plan.js';
import { SubscriptionCallError } from './webhook-subscription.errors.js';

/** Where a shop's Admin API is and how to authenticate (the connection's token headers). */
export interface ShopifyAdmin {
  apiBase: string;
  headers: Record<string, string>;
}

// The app's subscriptions in this shop, every tenant's connection included; the caller keeps those at its URL.
// `uri` on the node: the unified endpoint field of 2025-10 (the shop's API version here is newer).
const LIST = `query ($after: String) {
  webhookSubscriptions(first: 250, after: $after) { nodes { id topic uri } pageInfo { hasNextPage endCursor } }
}`;
const MAX_PAGES = 20;
const CREATE = `mutation ($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id } userErrors { field message }
  }
}`;
const DELETE = `mutation ($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}`;

/** `orders/create` → `ORDERS_CREATE`: the REST topic name as the GraphQL enum. */
export function topicEnum(topic: string): string {
  return topic.toUpperCase().replaceAll('/', '_');
}

/**
 * A shop's per-shop subscriptions through the GraphQL Admin API (`webhookSubscriptions`, `webhookSubscriptionCreate`,
 * `webhookSubscriptionDelete`): the REST Admin API is legacy and closed to public apps created after 2025-04-01.
 * Topics are GraphQL enums here (`ORDERS_CREATE`).
 */
@Injectable()
export class ShopifySubscriptionsClient {
  constructor(private readonly http: ProviderHttpClient) {}

  async list(admin: ShopifyAdmin): Promise<ListedSubscription[]> {
    const listed: ListedSubscription[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await this.graphql(admin, LIST, { after });
      const connection = data.webhookSubscriptions as
        { nodes?: unknown; pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } } | undefined;
      if (!Array.isArray(connection?.nodes)) throw new SubscriptionCallError('shopify', 'MALFORMED_RESPONSE');
      listed.push(...connection.nodes.flatMap(toListed));
      const next = connection.pageInfo?.endCursor;
      if (connection.pageInfo?.hasNextPage !== true || typeof next !== 'string') return listed;
      after = next;
    }
    return listed;
  }

  async create(admin: ShopifyAdmin, topic: string, uri: string): Promise<void> {
    const data = await this.graphql(admin, CREATE, { topic, webhookSubscription: { uri, format: 'JSON' } });
    refuseUserErrors(data.webhookSubscriptionCreate);
  }

  async delete(admin: ShopifyAdmin, id: string): Promise<void> {
    // Its userErrors are not checked: "does not exist" is what a delete wants; anything else shows at the next list.
    await this.graphql(admin, DELETE, { id });
  }

  private async graphql(
    admin: ShopifyAdmin,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const response = await this.http.send({
      method: 'POST',
      url: `${admin.apiBase}/graphql.json`,
      headers: admin.headers,
      json: { query, variables },
    });
    if (response.status < 200 || response.status >= 300)
      throw SubscriptionCallError.ofStatus('shopify', response.status);
    const body = (response.body ?? {}) as { data?: unknown; errors?: unknown };
    // Top-level errors: throttled, an unknown topic, a bad argument.
    if (Array.isArray(body.errors) && body.errors.length > 0)
      throw new SubscriptionCallError('shopify', graphqlCode(body.errors));
    if (typeof body.data !== 'object' || body.data === null)
      throw new SubscriptionCallError('shopify', 'MALFORMED_RESPONSE');
    return body.data as Record<string, unknown>;
  }
}

function toListed(node: unknown): ListedSubscription[] {
  const { id, topic, uri } = (node ?? {}) as Record<string, unknown>;
  return typeof id === 'string' && typeof topic === 'string' && typeof uri === 'string'
    ? [{ id, topic, address: uri }]
    : [];
}

function refuseUserErrors(payload: unknown): void {
  const errors = (payload as { userErrors?: unknown } | undefined)?.userErrors;
  if (Array.isArray(errors) && errors.length > 0) throw new SubscriptionCallError('shopify', 'USER_ERROR');
}

function graphqlCode(errors: unknown[]): string {
  const code = (errors[0] as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
  return typeof code === 'string' && /^[A-Za-z_]{1,40}$/.test(code) ? `GRAPHQL_${code.toUpperCase()}` : 'GRAPHQL_ERROR';
}
