import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { scan, type TimeKey } from '../dataset/timeline.js';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import { cursorNumber, decodeCursor, encodeCursor } from '../util/cursor.js';
import { parseTime } from '../util/time.js';
import { authed } from './square-auth.js';
import { invalidRequest } from './square-errors.js';
import { renderOrder, squareIds, type SquareContext } from './square-render.js';

const cfg = routeConfig('square');
const SORT_FIELDS = { CREATED_AT: 'created_at', UPDATED_AT: 'updated_at', CLOSED_AT: 'closed_at' } as const;

interface OrderQuery {
  readonly locations: Set<number> | undefined;
  readonly field: 'created_at' | 'updated_at';
  readonly descending: boolean;
  readonly start?: number;
  readonly end?: number;
  readonly states?: readonly string[];
}

type Parsed = { ok: true; query: OrderQuery; limit: number; hash: string } | { ok: false; error: object };

/** SearchOrders, BatchRetrieveOrders and RetrieveOrder. */
export function registerSquareOrderRoutes(app: FastifyInstance, state: SandboxState): void {
  app.post(
    '/v2/orders/search',
    cfg('square.orders.search'),
    authed(state, (ctx, request, reply) => search(ctx, request, reply, state.now())),
  );
  app.post(
    '/v2/orders/batch-retrieve',
    cfg('square.orders.batchRetrieve'),
    authed(state, (ctx, request, reply) => {
      const ids = (request.body as Record<string, unknown> | undefined)?.order_ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
        return reply.code(400).send(invalidRequest('INVALID_VALUE', 'order_ids must hold 1-100 ids.', 'order_ids'));
      }
      const orders = ids
        .map((id) => (typeof id === 'string' ? squareIds.parseOrder(ctx, id) : undefined))
        .filter((i): i is number => i !== undefined)
        .map((i) => renderOrder(ctx, i));
      return reply.send(orders.length > 0 ? { orders } : {});
    }),
  );
  app.get(
    '/v2/orders/:orderId',
    cfg('square.orders.get'),
    authed(state, (ctx, request, reply) => {
      const index = squareIds.parseOrder(ctx, (request.params as { orderId: string }).orderId);
      if (index === undefined)
        return reply
          .code(404)
          .send({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: 'Order not found.' }] });
      return reply.send({ order: renderOrder(ctx, index) });
    }),
  );
}

function parseRange(raw: unknown): { start?: number; end?: number } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const start = r.start_at === undefined ? undefined : parseTime(r.start_at);
  const end = r.end_at === undefined ? undefined : parseTime(r.end_at);
  if ((r.start_at !== undefined && start === undefined) || (r.end_at !== undefined && end === undefined))
    return undefined;
  return { start, end };
}

// Square requires the sort field to be the timestamp being filtered on.
function parseQuery(ctx: SquareContext, body: Record<string, unknown>): Parsed {
  const ids = body.location_ids;
  if (ids !== undefined && (!Array.isArray(ids) || ids.length > 10)) {
    return { ok: false, error: invalidRequest('INVALID_VALUE', 'location_ids takes at most 10 ids.', 'location_ids') };
  }
  let locations: Set<number> | undefined;
  if (Array.isArray(ids)) {
    locations = new Set();
    for (const id of ids) {
      const k = typeof id === 'string' ? squareIds.parseLocation(ctx, id) : undefined;
      if (k === undefined)
        return { ok: false, error: invalidRequest('NOT_FOUND', `Location ${String(id)} not found.`, 'location_ids') };
      locations.add(k);
    }
  }
  const query = (body.query ?? {}) as Record<string, unknown>;
  const filter = (query.filter ?? {}) as Record<string, unknown>;
  const sort = (query.sort ?? {}) as Record<string, unknown>;
  const sortField = SORT_FIELDS[(sort.sort_field ?? 'CREATED_AT') as keyof typeof SORT_FIELDS];
  if (!sortField)
    return { ok: false, error: invalidRequest('INVALID_ENUM_VALUE', 'Unknown sort_field.', 'query.sort.sort_field') };
  const dateFilter = (filter.date_time_filter ?? {}) as Record<string, unknown>;
  const filtered = Object.keys(dateFilter);
  if (filtered.length > 1)
    return {
      ok: false,
      error: invalidRequest(
        'INVALID_VALUE',
        'Only one date_time_filter field may be set.',
        'query.filter.date_time_filter',
      ),
    };
  const filteredField = filtered[0];
  if (filteredField !== undefined && filteredField !== sortField) {
    return {
      ok: false,
      error: invalidRequest(
        'INVALID_VALUE',
        `sort_field must match the date_time_filter field (${filteredField}).`,
        'query.sort.sort_field',
      ),
    };
  }
  if (sortField === 'closed_at')
    return {
      ok: false,
      error: invalidRequest(
        'INVALID_VALUE',
        'The sandbox does not simulate closed_at queries.',
        'query.sort.sort_field',
      ),
    };
  const range = filteredField === undefined ? {} : parseRange(dateFilter[filteredField]);
  if (!range)
    return {
      ok: false,
      error: invalidRequest('INVALID_TIME', 'start_at/end_at must be RFC 3339.', 'query.filter.date_time_filter'),
    };
  const stateFilter = filter.state_filter as Record<string, unknown> | undefined;
  const states = Array.isArray(stateFilter?.states) ? stateFilter.states.map(String) : undefined;
  const limit = typeof body.limit === 'number' ? body.limit : 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return { ok: false, error: invalidRequest('INVALID_VALUE', 'limit must be 1-1000.', 'limit') };
  const descending = (sort.sort_order ?? 'DESC') !== 'ASC';
  const hash = createHash('sha256')
    .update(JSON.stringify([ids ?? null, body.query ?? null]))
    .digest('base64url')
    .slice(0, 12);
  return { ok: true, query: { locations, field: sortField, descending, ...range, states }, limit, hash };
}

function search(ctx: SquareContext, request: FastifyRequest, reply: FastifyReply, now: number): FastifyReply {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const parsed = parseQuery(ctx, body);
  if (!parsed.ok) return reply.code(400).send(parsed.error);
  const { query, limit, hash } = parsed;
  let after: TimeKey | undefined;
  // A missing end_at means "the time of the first request in this cursor chain".
  let chainEnd = query.end ?? now;
  if (typeof body.cursor === 'string' && body.cursor !== '') {
    const c = decodeCursor(body.cursor);
    const t = c && cursorNumber(c, 't');
    const i = c && cursorNumber(c, 'i');
    const e = c && cursorNumber(c, 'e');
    if (!c || c.h !== hash || t === undefined || i === undefined || e === undefined) {
      return reply
        .code(400)
        .send(invalidRequest('INVALID_CURSOR', 'The cursor is invalid or does not match the query.', 'cursor'));
    }
    after = { t, i };
    chainEnd = e;
  }
  const data = ctx.data;
  const view = query.field === 'updated_at' ? data.orderTimeline.view() : data.orderCreatedView();
  const result = scan({
    view,
    descending: query.descending,
    after,
    min: query.start,
    max: chainEnd,
    accept: (i) =>
      (!query.locations || query.locations.has(data.orderLocation(i))) &&
      (!query.states || query.states.includes(data.order(i).state)),
    limit,
  });
  const cursor = result.hasMore && result.last ? encodeCursor({ ...result.last, e: chainEnd, h: hash }) : undefined;
  if (body.return_entries !== true) {
    if (result.indices.length === 0) return reply.send(cursor === undefined ? {} : { cursor });
    return reply.type('application/json').send(Readable.from(orderPageJson(ctx, result.indices, cursor)));
  }
  const order_entries = result.indices.map((i) => {
    const r = renderOrder(ctx, i) as { id: string; version: number; location_id: string };
    return { order_id: r.id, version: r.version, location_id: r.location_id };
  });
  return reply.send(cursor === undefined ? { order_entries } : { order_entries, cursor });
}

const ORDERS_PER_CHUNK = 50;

// Written while it is rendered (chunked), the way a provider's large answer arrives over a network.
function* orderPageJson(ctx: SquareContext, indices: readonly number[], cursor: string | undefined): Generator<string> {
  yield '{"orders":[';
  for (let at = 0; at < indices.length; at += ORDERS_PER_CHUNK) {
    const orders = indices.slice(at, at + ORDERS_PER_CHUNK).map((i) => JSON.stringify(renderOrder(ctx, i)));
    yield (at === 0 ? '' : ',') + orders.join(',');
  }
  yield cursor === undefined ? ']}' : `],"cursor":${JSON.stringify(cursor)}}`;
}
