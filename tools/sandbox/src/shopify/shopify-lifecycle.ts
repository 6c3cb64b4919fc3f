import type { SandboxState } from '../sandbox-context.js';
import { emitShopify } from '../webhooks/dispatch.js';
import { renderShop, type ShopContext } from './shopify-render.js';

/** The shop's rendering context, whether or not anyone has called its API yet. */
export function shopContext(state: SandboxState, shop: string): ShopContext {
  const account = state.registry.ensureAccount('shopify', shop);
  return { shop, offsetMinutes: state.registry.timezoneOffset(account), data: state.registry.dataset(account) };
}

/**
 * The merchant uninstalls the app: `app/uninstalled` goes to its subscriptions, then Shopify deletes the app's
 * subscriptions for the shop and its tokens stop working. Returns the deliveries started.
 */
export function uninstallApp(state: SandboxState, shop: string, clientId: string): number {
  const sent = emitShopify(state, {
    shop,
    topic: 'app/uninstalled',
    payload: renderShop(shopContext(state, shop)),
    clientIds: [clientId],
  });
  const book = state.registry.subscriptions;
  for (const subscription of book.shopifyOf(clientId, shop)) book.deleteShopify(subscription.id);
  state.tokens.revokeAccount('shopify', shop, clientId);
  return sent;
}

export interface ComplianceRequest {
  readonly shop: string;
  readonly clientId: string;
  readonly topic: 'customers/data_request' | 'customers/redact' | 'shop/redact';
  readonly customerId?: number;
  readonly email?: string;
  readonly orderIds?: readonly number[];
}

/** A compliance webhook, on request (Shopify sends these to the app-level subscriptions; no install needed). */
export function sendCompliance(state: SandboxState, request: ComplianceRequest): number {
  const shopPart = { shop_id: 548380009, shop_domain: request.shop };
  const customer = { id: request.customerId ?? 207_119_551, email: request.email ?? null, phone: null };
  const payload =
    request.topic === 'shop/redact'
      ? shopPart
      : request.topic === 'customers/redact'
        ? { ...shopPart, customer, orders_to_redact: request.orderIds ?? [] }
        : { ...shopPart, orders_requested: request.orderIds ?? [], customer, data_request: { id: state.now() % 1e9 } };
  return emitShopify(state, { shop: request.shop, topic: request.topic, payload, clientIds: [request.clientId] });
}
