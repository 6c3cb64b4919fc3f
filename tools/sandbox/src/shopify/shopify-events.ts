import type { SandboxState } from '../sandbox-context.js';
import { emitShopify } from '../webhooks/dispatch.js';
import { renderInventoryLevel, renderProduct, renderShopOrder, type ShopContext } from './shopify-render.js';

/** The order as REST renders it, sent on each topic (e.g. orders/create; orders/cancelled and orders/updated). */
export function orderEvent(state: SandboxState, ctx: ShopContext, index: number, topics: readonly string[]): object {
  const order = renderShopOrder(ctx, index);
  for (const topic of topics) emitShopify(state, { shop: ctx.shop, topic, payload: order });
  return order;
}

export function productEvent(state: SandboxState, ctx: ShopContext, index: number): object {
  const product = renderProduct(ctx, ctx.data.product(index));
  emitShopify(state, { shop: ctx.shop, topic: 'products/update', payload: product });
  return product;
}

/** inventory_levels/update for one inventory item (global variant) at one location. */
export function levelEvent(state: SandboxState, ctx: ShopContext, item: number, location: number): object {
  const level = renderInventoryLevel(ctx, item, location);
  emitShopify(state, { shop: ctx.shop, topic: 'inventory_levels/update', payload: level });
  return level;
}
