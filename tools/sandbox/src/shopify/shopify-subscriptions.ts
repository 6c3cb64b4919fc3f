import type { SubscriptionBook, ShopifySubscription } from '../webhooks/subscriptions.js';
import { isoWithOffset } from '../util/time.js';

/** Topics an app may subscribe a shop to through the Admin API (REST names). */
export const SHOPIFY_TOPICS = [
  'app/uninstalled',
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/delete',
  'refunds/create',
  'products/create',
  'products/update',
  'products/delete',
  'inventory_levels/connect',
  'inventory_levels/update',
  'inventory_levels/disconnect',
  'inventory_items/create',
  'inventory_items/update',
  'inventory_items/delete',
  'locations/create',
  'locations/update',
  'locations/delete',
  'shop/update',
] as const;

/** Mandatory compliance topics: app configuration only, never through the Admin API. */
export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

/** `orders/create` → `ORDERS_CREATE`. */
export const graphqlTopic = (topic: string): string => topic.toUpperCase().replace('/', '_');

/** `ORDERS_CREATE` → `orders/create`, or undefined for a topic the Admin API does not take. */
export function restTopic(enumValue: string): string | undefined {
  return SHOPIFY_TOPICS.find((t) => graphqlTopic(t) === enumValue);
}

export const isApiTopic = (topic: string): boolean => (SHOPIFY_TOPICS as readonly string[]).includes(topic);

export interface SubscriptionInput {
  readonly topic: string;
  readonly address: string;
  readonly apiVersion: string;
  readonly includeFields?: string[];
}

/** Why Shopify refuses a subscription write. */
export type SubscriptionProblem = 'taken' | 'address';

const validAddress = (address: string): boolean => /^https?:\/\/[^\s]+$/.test(address);

/** Creates a per-shop subscription, refusing a bad address or a duplicate (address, topic) for the app and shop. */
export function createSubscription(
  book: SubscriptionBook,
  clientId: string,
  shop: string,
  input: SubscriptionInput,
): ShopifySubscription | SubscriptionProblem {
  if (!validAddress(input.address)) return 'address';
  const taken = book.shopifyOf(clientId, shop).some((s) => s.topic === input.topic && s.address === input.address);
  return taken ? 'taken' : book.addShopify(clientId, shop, input);
}

/** Changes a subscription's address or included fields under the same rules as create. */
export function updateSubscription(
  book: SubscriptionBook,
  subscription: ShopifySubscription,
  changes: { address?: string; includeFields?: string[] },
): ShopifySubscription | SubscriptionProblem {
  const address = changes.address ?? subscription.address;
  if (!validAddress(address)) return 'address';
  const taken = book
    .shopifyOf(subscription.clientId, subscription.shop)
    .some((s) => s.id !== subscription.id && s.topic === subscription.topic && s.address === address);
  if (taken) return 'taken';
  return book.updateShopify(subscription, {
    address,
    includeFields: changes.includeFields ?? subscription.includeFields,
  });
}

/** The REST Admin API `webhook` object. */
export function restWebhook(s: ShopifySubscription, offsetMinutes: number): object {
  return {
    id: s.id,
    address: s.address,
    topic: s.topic,
    created_at: isoWithOffset(s.createdAt, offsetMinutes),
    updated_at: isoWithOffset(s.updatedAt, offsetMinutes),
    format: 'json',
    fields: s.includeFields,
    metafield_namespaces: [],
    api_version: s.apiVersion,
    private_metafield_namespaces: [],
  };
}

/** The GraphQL `WebhookSubscription` node (every field; the sandbox does not trim to the selection set). */
export function graphqlWebhook(s: ShopifySubscription): object {
  return {
    id: `gid://shopify/WebhookSubscription/${s.id}`,
    legacyResourceId: String(s.id),
    topic: graphqlTopic(s.topic),
    format: 'JSON',
    uri: s.address,
    callbackUrl: s.address,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: s.address },
    apiVersion: { handle: s.apiVersion, displayName: s.apiVersion, supported: true },
    includeFields: s.includeFields,
    metafieldNamespaces: [],
    filter: null,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  };
}
