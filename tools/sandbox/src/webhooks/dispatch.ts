import { randomUUID } from 'node:crypto';
import type { SandboxState } from '../sandbox-context.js';

/** The seller permission Square requires before it sends an event type to an app (none for OAuth events). */
const SQUARE_EVENT_SCOPE: Record<string, string> = {
  order: 'ORDERS_READ',
  inventory: 'INVENTORY_READ',
  catalog: 'ITEMS_READ',
  payment: 'PAYMENTS_READ',
  refund: 'PAYMENTS_READ',
};

export interface SquareEvent {
  readonly merchant: string;
  readonly type: string;
  /** `data.type`, `data.id` and `data.object` of the envelope. */
  readonly dataType: string;
  readonly objectId: string;
  readonly object: unknown;
  /** These apps, authorized or not (e.g. the one whose grant was just revoked); default: every app the merchant authorized. */
  readonly clientIds?: readonly string[];
}

/**
 * Sends a Square event the way Square does: to every enabled subscription of every app the merchant authorized
 * (with the scope the event needs) whose event types include it, each signed with its own key over its own URL.
 * Returns how many deliveries started.
 */
export function emitSquare(state: SandboxState, event: SquareEvent): number {
  const grants = state.tokens.grantsOf('square', event.merchant);
  const needed = SQUARE_EVENT_SCOPE[event.type.split('.')[0] ?? ''];
  const eventId = randomUUID();
  let sent = 0;
  for (const clientId of event.clientIds ?? [...grants.keys()]) {
    if (needed && !grants.get(clientId)?.has(needed)) continue;
    for (const subscription of state.registry.subscriptions.squareOf(clientId, false)) {
      if (!subscription.eventTypes.includes(event.type)) continue;
      state.webhooks.send({
        provider: 'square',
        targetUrl: subscription.notificationUrl,
        notificationUrl: subscription.notificationUrl,
        secret: subscription.signatureKey,
        account: event.merchant,
        type: event.type,
        eventId,
        objectId: event.objectId,
        dataType: event.dataType,
        payload: event.object,
        apiVersion: subscription.apiVersion,
        subscriptionId: subscription.id,
      });
      sent += 1;
    }
  }
  return sent;
}

export interface ShopifyEvent {
  readonly shop: string;
  readonly topic: string;
  readonly payload: unknown;
  /** These apps, installed or not (compliance topics outlive the install); default: every app installed in the shop. */
  readonly clientIds?: readonly string[];
}

/**
 * Sends a Shopify event to every app installed in the shop: its subscriptions for this shop and its app-level ones
 * for the topic, signed with the app's client secret. One event id, a webhook id per delivery. Returns the count.
 */
export function emitShopify(state: SandboxState, event: ShopifyEvent): number {
  const eventId = randomUUID();
  const book = state.registry.subscriptions;
  let sent = 0;
  for (const clientId of event.clientIds ?? [...state.tokens.grantsOf('shopify', event.shop).keys()]) {
    const app = state.registry.app('shopify', clientId);
    if (!app) continue;
    const matching = [...book.shopifyOf(clientId, event.shop), ...book.shopifyOf(clientId, null)].filter(
      (s) => s.topic === event.topic,
    );
    for (const subscription of matching) {
      state.webhooks.send({
        provider: 'shopify',
        targetUrl: subscription.address,
        secret: app.clientSecret,
        account: event.shop,
        type: event.topic,
        eventId,
        payload: event.payload,
        apiVersion: subscription.apiVersion,
        subscriptionId: String(subscription.id),
      });
      sent += 1;
    }
  }
  return sent;
}
