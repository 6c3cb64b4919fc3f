import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewLine } from '../dataset/dataset.js';
import { field } from '../oauth/redirect.js';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import { authed } from './shopify-auth.js';
import { sendJson } from './shopify-data.routes.js';
import { levelEvent, orderEvent, productEvent } from './shopify-events.js';
import { uninstallApp } from './shopify-lifecycle.js';
import { indexOfBigId, inventoryItemIndex, locationIndexOf, type ShopContext } from './shopify-render.js';

const cfg = routeConfig('shopify');
const notFound = (reply: FastifyReply): FastifyReply => reply.code(404).send({ errors: 'Not Found' });

const orderIndex = (ctx: ShopContext, request: FastifyRequest): number | undefined =>
  indexOfBigId(ctx.data.options.orders, (request.params as { id: string }).id, ctx.data.orderCount);

// Order line items: `variant_id` (64-bit: send it as a string) and `quantity`; none = generated lines.
function lineItems(ctx: ShopContext, raw: unknown): NewLine[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return undefined;
  const lines: NewLine[] = [];
  for (const item of raw) {
    const variant = indexOfBigId(ctx.data.variantTotal, field(item, 'variant_id') ?? '');
    const owner = variant === undefined ? undefined : ctx.data.variantOwner(variant);
    const quantity = (item as { quantity?: unknown }).quantity;
    if (!owner || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) return undefined;
    lines.push({ ...owner, quantity });
  }
  return lines;
}

/** Writes that cause Shopify's webhooks: orders, products, inventory levels, and the uninstall request. */
export function registerShopifyWriteRoutes(app: FastifyInstance, state: SandboxState): void {
  const orderChanged = (ctx: ShopContext, index: number, reply: FastifyReply, topics: string[]): FastifyReply =>
    sendJson(reply, { order: orderEvent(state, ctx, index, topics) });

  app.post(
    '/admin/api/:version/orders.json',
    cfg('shopify.orders.create'),
    authed(state, (ctx, request, reply) => {
      const order = (request.body as { order?: { line_items?: unknown } } | undefined)?.order;
      const lines = lineItems(ctx, order?.line_items);
      if (!lines)
        return reply.code(422).send({ errors: { line_items: ['need a variant_id and a positive quantity'] } });
      const index = ctx.data.addOrder(state.now(), 0, lines);
      reply.code(201);
      return orderChanged(ctx, index, reply, ['orders/create']);
    }),
  );
  // A change to an existing order, then its topics.
  const orderWrite = (apply: (ctx: ShopContext, index: number) => void, topics: string[]) =>
    authed(state, (ctx, request, reply) => {
      const index = orderIndex(ctx, request);
      if (index === undefined) return notFound(reply);
      apply(ctx, index);
      return orderChanged(ctx, index, reply, topics);
    });
  app.put(
    '/admin/api/:version/orders/:id.json',
    cfg('shopify.orders.update'),
    orderWrite((ctx, i) => ctx.data.change('orders', [i], state.now()), ['orders/updated']),
  );
  app.post(
    '/admin/api/:version/orders/:id/cancel.json',
    cfg('shopify.orders.cancel'),
    orderWrite((ctx, i) => ctx.data.setOrderState(i, 'CANCELED', state.now()), ['orders/cancelled', 'orders/updated']),
  );
  app.put(
    '/admin/api/:version/products/:id.json',
    cfg('shopify.products.update'),
    authed(state, (ctx, request, reply) => {
      const index = indexOfBigId(ctx.data.options.products, (request.params as { id: string }).id);
      if (index === undefined) return notFound(reply);
      ctx.data.change('products', [index], state.now());
      return sendJson(reply, { product: productEvent(state, ctx, index) });
    }),
  );
  app.post(
    '/admin/api/:version/inventory_levels/set.json',
    cfg('shopify.inventoryLevels.set'),
    authed(state, (ctx, request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const item = inventoryItemIndex(ctx.data, field(body, 'inventory_item_id') ?? '');
      const owner = item === undefined ? undefined : ctx.data.variantOwner(item);
      const location = locationIndexOf(field(body, 'location_id') ?? '', ctx.data.options.locations);
      const available = body.available;
      if (!owner || item === undefined || location === undefined)
        return reply.code(422).send({ errors: { base: ['Inventory item or location not found'] } });
      if (typeof available !== 'number' || !Number.isInteger(available))
        return reply.code(422).send({ errors: { available: ['must be an integer'] } });
      ctx.data.setStock(owner.productIndex, owner.variantIndex, location, available, state.now());
      return sendJson(reply, { inventory_level: levelEvent(state, ctx, item, location) });
    }),
  );
  // Uninstall with an API request: irreversible; app/uninstalled is sent, the app's subscriptions are deleted.
  app.delete(
    '/admin/api_permissions/current.json',
    cfg('shopify.uninstall'),
    authed(state, (ctx, _request, reply, clientId) => {
      uninstallApp(state, ctx.shop, clientId);
      return reply.send({});
    }),
  );
}
