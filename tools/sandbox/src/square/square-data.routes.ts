import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageFlattened, type ResumePoint } from '../dataset/flat-pager.js';
import { field } from '../oauth/redirect.js';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import { cursorNumber, decodeCursor, encodeCursor } from '../util/cursor.js';
import { isoUtc, parseTime } from '../util/time.js';
import { authed } from './square-auth.js';
import { invalidRequest } from './square-errors.js';
import { registerSquareOrderRoutes } from './square-orders.routes.js';
import {
  renderCount,
  renderItem,
  renderLocation,
  renderVariation,
  squareIds,
  type SquareContext,
} from './square-render.js';

const cfg = routeConfig('square');
const CATALOG_TYPES = ['ITEM', 'ITEM_VARIATION', 'CATEGORY', 'TAX', 'DISCOUNT', 'MODIFIER', 'MODIFIER_LIST', 'IMAGE'];

/** Square data API: locations, merchant, catalog, inventory (orders live in square-orders.routes.ts). */
export function registerSquareDataRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get(
    '/v2/locations',
    cfg('square.locations.list'),
    authed(state, (ctx, _req, reply) => {
      const locations = Array.from({ length: ctx.data.options.locations }, (_, k) => renderLocation(ctx, k));
      return reply.send({ locations });
    }),
  );
  app.get(
    '/v2/merchants/me',
    cfg('square.merchants.me'),
    authed(state, (ctx, _req, reply) =>
      reply.send({
        merchant: {
          id: ctx.merchantId,
          business_name: `Sandbox Merchant ${ctx.merchantId}`,
          country: 'US',
          language_code: 'en-US',
          currency: 'USD',
          status: 'ACTIVE',
          main_location_id: squareIds.location(ctx, 0),
        },
      }),
    ),
  );
  app.get('/v2/catalog/list', cfg('square.catalog.list'), authed(state, catalogList));
  app.post('/v2/catalog/search', cfg('square.catalog.search'), authed(state, catalogSearch));
  app.post('/v2/inventory/counts/batch-retrieve', cfg('square.inventory.counts'), authed(state, inventoryCounts));
  app.post('/v2/inventory/batch-retrieve-counts', cfg('square.inventory.counts'), authed(state, inventoryCounts));
  registerSquareOrderRoutes(app, state);
}

function parseTypes(raw: unknown, fallback: string[]): string[] | undefined {
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : fallback;
  const types = list.map((t) => t.trim().toUpperCase()).filter(Boolean);
  return types.every((t) => CATALOG_TYPES.includes(t)) ? types : undefined;
}

function readResume(raw: string | undefined, kind: string): ResumePoint | undefined | 'invalid' {
  if (raw === undefined || raw === '') return undefined;
  const c = decodeCursor(raw);
  const t = c && cursorNumber(c, 't');
  const i = c && cursorNumber(c, 'i');
  const o = c && cursorNumber(c, 'o');
  if (!c || c.k !== kind || t === undefined || i === undefined || o === undefined) return 'invalid';
  return { t, i, o };
}

const badCursor = (reply: FastifyReply): FastifyReply =>
  reply.code(400).send(invalidRequest('INVALID_CURSOR', 'The cursor is invalid or expired.', 'cursor'));

function catalogObjects(ctx: SquareContext, types: string[]) {
  return (index: number): object[] => {
    const product = ctx.data.product(index);
    const out: object[] = [];
    if (types.includes('ITEM')) out.push(renderItem(ctx, product));
    if (types.includes('ITEM_VARIATION'))
      product.variants.forEach((_, v) => out.push(renderVariation(ctx, product, v)));
    return out;
  };
}

function catalogList(ctx: SquareContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const types = parseTypes(field(request.query, 'types'), ['ITEM']);
  if (!types)
    return reply.code(400).send(invalidRequest('INVALID_ENUM_VALUE', 'Unknown catalog object type.', 'types'));
  const resume = readResume(field(request.query, 'cursor'), 'cl');
  if (resume === 'invalid') return badCursor(reply);
  const page = pageFlattened({
    view: ctx.data.productCreatedView(),
    timeOf: (i) => ctx.data.createdAt(2, i, ctx.data.options.products),
    descending: false,
    expand: catalogObjects(ctx, types),
    limit: 100,
    resume,
  });
  return reply.send({ objects: page.items, cursor: page.next ? encodeCursor({ k: 'cl', ...page.next }) : undefined });
}

function catalogSearch(ctx: SquareContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const types = parseTypes(body.object_types, [
    'ITEM',
    'ITEM_VARIATION',
    'CATEGORY',
    'TAX',
    'DISCOUNT',
    'MODIFIER',
    'MODIFIER_LIST',
    'IMAGE',
  ]);
  if (!types)
    return reply.code(400).send(invalidRequest('INVALID_ENUM_VALUE', 'Unknown catalog object type.', 'object_types'));
  const limit = typeof body.limit === 'number' ? body.limit : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return reply.code(400).send(invalidRequest('INVALID_VALUE', 'limit must be 1-1000.', 'limit'));
  const beginRaw = field(body, 'begin_time');
  const begin = beginRaw === undefined ? undefined : parseTime(beginRaw);
  if (beginRaw !== undefined && begin === undefined)
    return reply.code(400).send(invalidRequest('INVALID_TIME', 'begin_time is not RFC 3339.', 'begin_time'));
  const resume = readResume(field(body, 'cursor'), 'cs');
  if (resume === 'invalid') return badCursor(reply);
  const timeline = ctx.data.productTimeline;
  // begin_time is exclusive: objects modified after it.
  const page = pageFlattened({
    view: timeline.view(),
    timeOf: (i) => timeline.time(i),
    descending: false,
    min: begin === undefined ? undefined : begin + 1,
    expand: catalogObjects(ctx, types),
    limit,
    resume,
  });
  return reply.send({
    objects: page.items,
    cursor: page.next ? encodeCursor({ k: 'cs', ...page.next }) : undefined,
    latest_time: isoUtc(timeline.latest()),
  });
}

function idSet(raw: unknown, parse: (id: string) => number | undefined): Set<number> | undefined | 'invalid' {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) return 'invalid';
  const out = new Set<number>();
  for (const id of raw) {
    const index = typeof id === 'string' ? parse(id) : undefined;
    if (index !== undefined) out.add(index);
  }
  return out;
}

function inventoryCounts(ctx: SquareContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const variations = idSet(body.catalog_object_ids, (id) => squareIds.parseVariation(ctx, id));
  const locations = idSet(body.location_ids, (id) => squareIds.parseLocation(ctx, id));
  if (variations === 'invalid' || locations === 'invalid')
    return reply.code(400).send(invalidRequest('INVALID_ARRAY_VALUE', 'Ids must be arrays.'));
  const limit = typeof body.limit === 'number' ? body.limit : 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return reply.code(400).send(invalidRequest('INVALID_VALUE', 'limit must be 1-1000.', 'limit'));
  const afterRaw = field(body, 'updated_after');
  const after = afterRaw === undefined ? undefined : parseTime(afterRaw);
  if (afterRaw !== undefined && after === undefined)
    return reply.code(400).send(invalidRequest('INVALID_TIME', 'updated_after is not RFC 3339.', 'updated_after'));
  const states = Array.isArray(body.states) ? body.states.map(String) : ['IN_STOCK'];
  const resume = readResume(field(body, 'cursor'), 'ic');
  if (resume === 'invalid') return badCursor(reply);
  const timeline = ctx.data.productTimeline;
  const page = pageFlattened({
    view: timeline.view(),
    timeOf: (i) => timeline.time(i),
    descending: true,
    min: after === undefined ? undefined : after + 1,
    accept: () => states.includes('IN_STOCK'),
    expand: (index) => {
      const product = ctx.data.product(index);
      const rows: object[] = [];
      product.variants.forEach((variant, v) => {
        if (variations && !variations.has(variant.globalIndex)) return;
        for (let k = 0; k < ctx.data.options.locations; k++) {
          if (!locations || locations.has(k)) rows.push(renderCount(ctx, product, v, k));
        }
      });
      return rows;
    },
    limit,
    resume,
  });
  return reply.send({ counts: page.items, cursor: page.next ? encodeCursor({ k: 'ic', ...page.next }) : undefined });
}
