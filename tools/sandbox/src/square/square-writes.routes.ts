import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewLine, OrderState } from '../dataset/dataset.js';
import { field } from '../oauth/redirect.js';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import { authed } from './square-auth.js';
import { invalidRequest } from './square-errors.js';
import { catalogEvent, countsEvent, orderEvent } from './square-events.js';
import {
  renderCount,
  renderItem,
  renderOrder,
  renderVariation,
  squareIds,
  type SquareContext,
} from './square-render.js';

const cfg = routeConfig('square');
const STATES: readonly OrderState[] = ['OPEN', 'COMPLETED', 'CANCELED'];

const bad = (reply: FastifyReply, code: string, detail: string, at?: string): FastifyReply =>
  reply.code(400).send(invalidRequest(code, detail, at));

const objectOf = (body: unknown, key: string): Record<string, unknown> | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
};

// CreateOrder line items: catalog variations with a whole quantity (decimal string); none = generated lines.
function lineItems(ctx: SquareContext, raw: unknown): NewLine[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return undefined;
  const lines: NewLine[] = [];
  for (const item of raw) {
    const variation = squareIds.parseVariation(ctx, field(item, 'catalog_object_id') ?? '');
    const owner = variation === undefined ? undefined : ctx.data.variantOwner(variation);
    const quantity = Number(field(item, 'quantity'));
    if (!owner || !Number.isInteger(quantity) || quantity < 1) return undefined;
    lines.push({ ...owner, quantity });
  }
  return lines;
}

/** Writes that cause Square's events: CreateOrder, UpdateOrder, BatchChangeInventory, UpsertCatalogObject. */
export function registerSquareWriteRoutes(app: FastifyInstance, state: SandboxState): void {
  const created = new Map<string, number>();

  app.post(
    '/v2/orders',
    cfg('square.orders.create'),
    authed(state, (ctx, request, reply) => {
      const key = `${ctx.merchantId}\n${field(request.body, 'idempotency_key') ?? randomUUID()}`;
      const earlier = created.get(key);
      if (earlier !== undefined) return reply.send({ order: renderOrder(ctx, earlier) });
      const order = objectOf(request.body, 'order');
      const location = squareIds.parseLocation(ctx, field(order, 'location_id') ?? '');
      if (location === undefined)
        return bad(reply, 'INVALID_VALUE', 'order.location_id is not a location.', 'order.location_id');
      const lines = lineItems(ctx, order?.line_items);
      if (lines === undefined)
        return bad(
          reply,
          'INVALID_VALUE',
          'line_items need a catalog_object_id (an ITEM_VARIATION) and a whole quantity; the sandbox keeps no ad hoc items.',
          'order.line_items',
        );
      const index = ctx.data.addOrder(state.now(), location, lines);
      created.set(key, index);
      orderEvent(state, ctx, index, true);
      return reply.send({ order: renderOrder(ctx, index) });
    }),
  );
  app.put(
    '/v2/orders/:orderId',
    cfg('square.orders.update'),
    authed(state, (ctx, request, reply) => {
      const index = squareIds.parseOrder(ctx, (request.params as { orderId: string }).orderId);
      if (index === undefined) return reply.code(404).send(invalidRequest('NOT_FOUND', 'Order not found.'));
      const order = objectOf(request.body, 'order') ?? {};
      if (order.version !== ctx.data.order(index).version)
        return bad(reply, 'VERSION_MISMATCH', 'order.version does not match the current version.', 'order.version');
      const wanted = order.state;
      if (wanted !== undefined && !STATES.includes(wanted as OrderState))
        return bad(reply, 'INVALID_ENUM_VALUE', 'order.state is not a known state.', 'order.state');
      if (wanted === undefined) ctx.data.change('orders', [index], state.now());
      else ctx.data.setOrderState(index, wanted as OrderState, state.now());
      orderEvent(state, ctx, index, false);
      return reply.send({ order: renderOrder(ctx, index) });
    }),
  );
  app.post('/v2/inventory/changes/batch-create', cfg('square.inventory.changes'), authed(state, inventoryChanges));
  app.post(
    '/v2/catalog/object',
    cfg('square.catalog.upsert'),
    authed(state, (ctx, request, reply) => {
      const object = objectOf(request.body, 'object') ?? {};
      const id = typeof object.id === 'string' ? object.id : '';
      const variation = squareIds.parseVariation(ctx, id);
      const owner = variation === undefined ? undefined : ctx.data.variantOwner(variation);
      const productIndex = object.type === 'ITEM' ? squareIds.parseItem(ctx, id) : owner?.productIndex;
      if (productIndex === undefined)
        return bad(
          reply,
          'INVALID_VALUE',
          'The sandbox changes existing ITEM and ITEM_VARIATION objects only.',
          'object.id',
        );
      if (object.version !== undefined && object.version !== ctx.data.product(productIndex).updatedAt)
        return bad(reply, 'VERSION_MISMATCH', 'object.version does not match the current version.', 'object.version');
      ctx.data.change('products', [productIndex], state.now());
      const product = ctx.data.product(productIndex);
      catalogEvent(state, ctx);
      const rendered = owner ? renderVariation(ctx, product, owner.variantIndex) : renderItem(ctx, product);
      return reply.send({ catalog_object: rendered, id_mappings: [] });
    }),
  );

  // PHYSICAL_COUNT sets the IN_STOCK quantity; ADJUSTMENT adds (to IN_STOCK) or removes (from IN_STOCK).
  function inventoryChanges(ctx: SquareContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const changes = (request.body as Record<string, unknown> | undefined)?.changes;
    if (!Array.isArray(changes) || changes.length === 0 || changes.length > 100)
      return bad(reply, 'INVALID_VALUE', 'changes must hold 1-100 changes.', 'changes');
    const counts: object[] = [];
    for (const [k, change] of changes.entries()) {
      const type = field(change, 'type');
      const detail = objectOf(change, type === 'PHYSICAL_COUNT' ? 'physical_count' : 'adjustment') ?? {};
      const variation = squareIds.parseVariation(ctx, field(detail, 'catalog_object_id') ?? '');
      const owner = variation === undefined ? undefined : ctx.data.variantOwner(variation);
      const location = squareIds.parseLocation(ctx, field(detail, 'location_id') ?? '');
      const quantity = Number(field(detail, 'quantity'));
      if ((type !== 'PHYSICAL_COUNT' && type !== 'ADJUSTMENT') || !owner || location === undefined)
        return bad(reply, 'INVALID_VALUE', `changes[${k}] is not a valid change.`, `changes[${k}]`);
      if (!Number.isInteger(quantity) || quantity < 0)
        return bad(reply, 'INVALID_VALUE', 'quantity must be a whole non-negative decimal string.', `changes[${k}]`);
      const current = ctx.data.inventory(owner.productIndex, owner.variantIndex, location);
      const sign = field(detail, 'to_state') === 'IN_STOCK' ? 1 : field(detail, 'from_state') === 'IN_STOCK' ? -1 : 0;
      const next = type === 'PHYSICAL_COUNT' ? quantity : current + sign * quantity;
      ctx.data.setStock(owner.productIndex, owner.variantIndex, location, next, state.now());
      counts.push(renderCount(ctx, ctx.data.product(owner.productIndex), owner.variantIndex, location));
    }
    countsEvent(state, ctx, counts);
    return reply.send({ counts });
  }
}
