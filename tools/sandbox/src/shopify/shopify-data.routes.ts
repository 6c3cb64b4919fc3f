import type { FastifyInstance, FastifyReply } from 'fastify';
import { indexOrderView } from '../dataset/timeline.js';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import { stringifyWithBigInts } from '../util/big-json.js';
import { authed } from './shopify-auth.js';
import { shopifyPage, timeParam, type SpecResult } from './shopify-pager.js';
import {
  indexOfBigId,
  inventoryItemIndex,
  locationIndexOf,
  renderInventoryLevel,
  renderProduct,
  renderShop,
  renderShopLocation,
  renderShopOrder,
  type ShopContext,
} from './shopify-render.js';

const cfg = routeConfig('shopify');
const ORDER_STATUS = {
  open: ['OPEN'],
  closed: ['COMPLETED'],
  cancelled: ['CANCELED'],
  any: ['OPEN', 'COMPLETED', 'CANCELED'],
} as const;

/** A JSON answer with Shopify's 64-bit ids as raw digits, and the pagination Link header when given. */
export function sendJson(reply: FastifyReply, body: unknown, link?: string): FastifyReply {
  if (link) reply.header('link', link);
  return reply.type('application/json; charset=utf-8').send(stringifyWithBigInts(body));
}

/** REST Admin API resources under /admin/api/{version}/. */
export function registerShopifyDataRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get(
    '/admin/api/:version/shop.json',
    cfg('shopify.shop'),
    authed(state, (ctx, _req, reply) => sendJson(reply, { shop: renderShop(ctx) })),
  );
  app.get(
    '/admin/api/:version/locations.json',
    cfg('shopify.locations'),
    authed(state, (ctx, _req, reply) =>
      sendJson(reply, {
        locations: Array.from({ length: ctx.data.options.locations }, (_, k) => renderShopLocation(ctx, k)),
      }),
    ),
  );
  app.get(
    '/admin/api/:version/products.json',
    cfg('shopify.products'),
    authed(state, (ctx, request, reply) => {
      const page = shopifyPage(request, reply, (p) => timedSpec(ctx, 'products', p));
      return page
        ? sendJson(reply, { products: page.indices.map((i) => renderProduct(ctx, ctx.data.product(i))) }, page.link)
        : reply;
    }),
  );
  app.get(
    '/admin/api/:version/orders.json',
    cfg('shopify.orders'),
    authed(state, (ctx, request, reply) => {
      const page = shopifyPage(request, reply, (p) => timedSpec(ctx, 'orders', p));
      return page ? sendJson(reply, { orders: page.indices.map((i) => renderShopOrder(ctx, i)) }, page.link) : reply;
    }),
  );
  app.get(
    '/admin/api/:version/inventory_levels.json',
    cfg('shopify.inventoryLevels'),
    authed(state, (ctx, request, reply) => {
      const L = Math.max(ctx.data.options.locations, 1);
      const page = shopifyPage(request, reply, (p) => inventorySpec(ctx, p));
      return page
        ? sendJson(
            reply,
            { inventory_levels: page.indices.map((pos) => renderInventoryLevel(ctx, Math.floor(pos / L), pos % L)) },
            page.link,
          )
        : reply;
    }),
  );
}

function idList(raw: string | undefined, parse: (id: string) => number | undefined): Set<number> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const out = new Set<number>();
  for (const id of raw.split(',')) {
    const index = parse(id.trim());
    if (index !== undefined) out.add(index);
  }
  return out;
}

// Orders and products: sort on created_at/id or updated_at, time bounds on the sort field, the rest as filters.
function timedSpec(ctx: ShopContext, kind: 'orders' | 'products', p: Record<string, string>): SpecResult {
  const data = ctx.data;
  // Ids are based on the generated count; orders created later extend the range past it.
  const count = kind === 'orders' ? data.options.orders : data.options.products;
  const size = kind === 'orders' ? data.orderCount : count;
  const order = (p.order ?? (kind === 'orders' ? 'created_at desc' : 'id asc')).trim().split(/\s+/);
  const [sortField, dir = 'asc'] = order;
  if (!['id', 'created_at', 'updated_at'].includes(sortField ?? '') || !['asc', 'desc'].includes(dir))
    return { ok: false, error: { order: ['is invalid'] } };
  const bounds = {
    umin: timeParam(p, 'updated_at_min'),
    umax: timeParam(p, 'updated_at_max'),
    cmin: timeParam(p, 'created_at_min'),
    cmax: timeParam(p, 'created_at_max'),
  };
  const bad = Object.entries(bounds).find(([, v]) => v === null);
  if (bad) return { ok: false, error: { [bad[0]]: ['is not a valid date'] } };
  const status = kind === 'orders' ? ORDER_STATUS[(p.status ?? 'open') as keyof typeof ORDER_STATUS] : undefined;
  if (kind === 'orders' && !status) return { ok: false, error: { status: ['is invalid'] } };
  const ids = idList(p.ids, (id) => indexOfBigId(count, id, size));
  const sinceRaw = p.since_id;
  const since = sinceRaw === undefined ? undefined : BigInt(/^\d+$/.test(sinceRaw) ? sinceRaw : '0');
  const timeline = kind === 'orders' ? data.orderTimeline : data.productTimeline;
  const created = (i: number): number => data.createdAt(kind === 'orders' ? 1 : 2, i, count);
  const byUpdated = sortField === 'updated_at';
  const [min, max] = byUpdated ? [bounds.umin, bounds.umax] : [bounds.cmin, bounds.cmax];
  const baseId = BigInt(2 ** 53) - BigInt(Math.floor(count / 2));
  return {
    ok: true,
    spec: {
      view: byUpdated ? timeline.view() : indexOrderView(size, created),
      timeOf: byUpdated ? (i) => timeline.time(i) : created,
      descending: dir === 'desc',
      min: min ?? undefined,
      max: max ?? undefined,
      accept: (i) => {
        const u = timeline.time(i);
        const c = created(i);
        if (!byUpdated && ((bounds.umin != null && u < bounds.umin) || (bounds.umax != null && u > bounds.umax)))
          return false;
        if (byUpdated && ((bounds.cmin != null && c < bounds.cmin) || (bounds.cmax != null && c > bounds.cmax)))
          return false;
        if (ids && !ids.has(i)) return false;
        if (since !== undefined && baseId + BigInt(i) <= since) return false;
        return !status || (status as readonly string[]).includes(data.order(i).state);
      },
    },
  };
}

function inventorySpec(ctx: ShopContext, p: Record<string, string>): SpecResult {
  const data = ctx.data;
  const L = Math.max(data.options.locations, 1);
  const locations = idList(p.location_ids, (id) => locationIndexOf(id, data.options.locations));
  const items = idList(p.inventory_item_ids, (id) => inventoryItemIndex(data, id));
  if (!locations && !items) return { ok: false, error: { base: ['location_ids or inventory_item_ids is required'] } };
  const updatedMin = timeParam(p, 'updated_at_min');
  if (updatedMin === null) return { ok: false, error: { updated_at_min: ['is not a valid date'] } };
  return {
    ok: true,
    spec: {
      view: indexOrderView(data.variantTotal * L, () => 0),
      timeOf: () => 0,
      descending: false,
      accept: (pos) => {
        const g = Math.floor(pos / L);
        if (locations && !locations.has(pos % L)) return false;
        if (items && !items.has(g)) return false;
        if (updatedMin === undefined) return true;
        const owner = data.variantOwner(g);
        return owner !== undefined && data.productTimeline.time(owner.productIndex) >= updatedMin;
      },
    },
  };
}
