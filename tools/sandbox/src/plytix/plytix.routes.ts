import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../oauth/redirect.js';
import {
  applyFaults,
  bearerOf,
  noteAccount,
  routeConfig,
  type FaultShapes,
  type SandboxState,
} from '../sandbox-context.js';
import { PlytixSessions, plytixError } from './plytix-auth.js';
import { checkFilters, runQuery, viewFor, type PlytixFilter } from './plytix-query.js';
import { indexOfId, renderAsset, renderHit, renderProduct, type PlytixContext } from './plytix-render.js';

const cfg = routeConfig('plytix');
const shapes: FaultShapes = {
  server: () => plytixError('Internal server error'),
  rateLimited: () => plytixError('Too many requests'),
  cursorExpired: () => ({ status: 400, body: plytixError('Invalid page') }),
};
const productFilters = [
  { key: 'sku', label: 'SKU', filter_type: 'TextFilter' },
  { key: 'gtin', label: 'GTIN', filter_type: 'TextFilter' },
  { key: 'label', label: 'Label', filter_type: 'TextFilter' },
  { key: 'created', label: 'Created', filter_type: 'DateFilter' },
  { key: 'modified', label: 'Modified', filter_type: 'DateFilter' },
];

/** Plytix under `/plytix` (stands for both https://auth.plytix.com and https://pim.plytix.com). */
export function plytixPlugin(state: SandboxState) {
  const sessions = new PlytixSessions(state);
  const authed = sessions.authed.bind(sessions);
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      noteAccount(request, field(request.body, 'api_key') ?? sessions.apiKeyOf(bearerOf(request)));
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.post('/auth/api/get-token', cfg('plytix.getToken'), (request, reply) => sessions.getToken(request, reply));
    app.post('/api/v1/products/search', cfg('plytix.products.search'), authed(searchProducts));
    app.get('/api/v1/products', cfg('plytix.products.list'), (_req, reply) =>
      reply.code(405).send(plytixError('Method not allowed: use POST /api/v1/products/search')),
    );
    app.get(
      '/api/v1/products/:id',
      cfg('plytix.product'),
      authed((ctx, request, reply) => byId(ctx, request, reply, (i) => renderProduct(ctx, i), 11)),
    );
    app.get(
      '/api/v1/products/:id/assets',
      cfg('plytix.product.assets'),
      authed((ctx, request, reply) => byId(ctx, request, reply, (i) => renderAsset(ctx, i), 11)),
    );
    app.post('/api/v1/assets/search', cfg('plytix.assets.search'), authed(searchAssets));
    app.get(
      '/api/v1/assets/:id',
      cfg('plytix.asset'),
      authed((ctx, request, reply) => byId(ctx, request, reply, (i) => renderAsset(ctx, i), 12)),
    );
    // The product search filters ("Get available filters"): a cheap authenticated read, the connection test.
    app.get(
      '/api/v1/filters/product',
      cfg('plytix.filters.product'),
      authed((_c, _r, reply) => reply.send({ data: productFilters })),
    );
    app.get('/api/v3/products', cfg('plytix.v3.products'), authed(listV3));
  };
}

function byId(
  ctx: PlytixContext,
  request: FastifyRequest,
  reply: FastifyReply,
  render: (index: number) => unknown,
  kind: 11 | 12,
): FastifyReply {
  const index = indexOfId(ctx, (request.params as { id: string }).id, kind);
  return index === undefined ? reply.code(404).send(plytixError('Not found')) : reply.send({ data: [render(index)] });
}

interface Paging {
  readonly page: number;
  readonly size: number;
  readonly order: string;
}

function paging(body: Record<string, unknown>): Paging | string {
  const p = (body.pagination ?? {}) as Record<string, unknown>;
  const page = p.page ?? 1;
  const size = p.page_size ?? 25;
  if (
    !Number.isInteger(page) ||
    (page as number) < 1 ||
    !Number.isInteger(size) ||
    (size as number) < 1 ||
    (size as number) > 100
  )
    return 'pagination: page must be >= 1 and page_size between 1 and 100';
  return { page: page as number, size: size as number, order: typeof p.order === 'string' ? p.order : 'id' };
}

function searchProducts(ctx: PlytixContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const pages = paging(body);
  const problem = typeof pages === 'string' ? pages : checkFilters(body.filters);
  const attributes = Array.isArray(body.attributes) ? body.attributes.map(String) : [];
  if (problem || typeof pages === 'string') return reply.code(400).send(plytixError(problem ?? 'Invalid request'));
  if (attributes.length > 50) return reply.code(400).send(plytixError('At most 50 attributes per search'));
  const order = viewFor(ctx, pages.order);
  if (!order) return reply.code(400).send(plytixError(`Cannot order by ${pages.order} in the sandbox`));
  const groups = (body.filters ?? []) as PlytixFilter[][];
  const result = runQuery(ctx, groups, order, (pages.page - 1) * pages.size, pages.size);
  if (!result.ok) return reply.code(400).send(plytixError(result.message));
  return reply.send({
    data: result.indices.map((i) => renderHit(ctx, i, attributes)),
    pagination: {
      count: result.indices.length,
      order: pages.order,
      page: pages.page,
      page_size: pages.size,
      total_count: result.total,
    },
  });
}

function searchAssets(ctx: PlytixContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const pages = paging((request.body ?? {}) as Record<string, unknown>);
  if (typeof pages === 'string') return reply.code(400).send(plytixError(pages));
  const total = ctx.data.options.products;
  const from = (pages.page - 1) * pages.size;
  const data = [];
  for (let i = from; i < Math.min(total, from + pages.size); i++) data.push(renderAsset(ctx, i));
  return reply.send({
    data,
    pagination: { count: data.length, order: 'id', page: pages.page, page_size: pages.size, total_count: total },
  });
}

// v3 (rolling out; UNVERIFIED in production): GET with `_page`, `_page_size`, `_sort_by`, `modified[gte]`, `next_page`.
function listV3(ctx: PlytixContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = request.query as Record<string, string | string[] | undefined>;
  if (q._offset !== undefined || q._limit !== undefined || q._expand !== undefined)
    return reply.code(400).send(plytixError('_offset, _limit and _expand are not supported'));
  const page = Number(q._page ?? 1);
  const size = Number(q._page_size ?? 25);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100)
    return reply.code(400).send(plytixError('_page must be >= 1 and _page_size between 1 and 100'));
  const order = viewFor(ctx, typeof q._sort_by === 'string' ? q._sort_by : 'id');
  if (!order) return reply.code(400).send(plytixError('Unsupported _sort_by'));
  const filters: PlytixFilter[] = [];
  for (const [key, value] of Object.entries(q)) {
    const m = /^(modified|created)\[(gt|gte|lt|lte)\]$/.exec(key);
    if (m && typeof value === 'string') filters.push({ field: m[1] ?? '', operator: m[2] ?? '', value });
  }
  const problem = checkFilters([filters]);
  if (problem) return reply.code(400).send(plytixError(problem));
  const result = runQuery(ctx, filters.length ? [filters] : [], order, (page - 1) * size, size);
  if (!result.ok) return reply.code(400).send(plytixError(result.message));
  const fields = ([] as string[]).concat(q._fields ?? []);
  const data = result.indices.map((i) => (fields.length ? renderHit(ctx, i, fields) : renderProduct(ctx, i)));
  const next = new URL(`${request.protocol}://${request.headers.host ?? 'localhost'}${request.url}`);
  next.searchParams.set('_page', String(page + 1));
  return reply.send({ data, pagination: { next_page: page * size < result.total ? next.toString() : null } });
}
