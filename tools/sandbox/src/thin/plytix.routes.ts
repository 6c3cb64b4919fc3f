import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../oauth/pkce.js';
import { field } from '../oauth/redirect.js';
import {
  applyFaults,
  bearerOf,
  noteAccount,
  noteAuth,
  type FaultShapes,
  type SandboxState,
  routeConfig,
} from '../sandbox-context.js';
import { isoUtc } from '../util/time.js';

const cfg = routeConfig('plytix');
const TOKEN_TTL_S = 900;
const shapes: FaultShapes = {
  server: () => ({ error: { msg: 'Internal server error' } }),
  rateLimited: () => ({ error: { msg: 'Too many requests' } }),
  cursorExpired: () => ({ status: 400, body: { error: { msg: 'Invalid page' } } }),
};

/** Plytix PIM (thin): key + password → 15-minute JWT, and a minimal v1 product search. */
export function plytixPlugin(state: SandboxState) {
  const signingKey = randomBytes(32);
  const sessions = new Map<string, { apiKey: string; exp: number }>();
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const token = bearerOf(request);
      noteAccount(request, field(request.body, 'api_key') ?? (token ? sessions.get(token)?.apiKey : undefined));
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.post('/auth/api/get-token', cfg('plytix.getToken'), (request, reply) => {
      const apiKey = field(request.body, 'api_key') ?? '';
      const password = field(request.body, 'api_password');
      noteAuth(request, 'api-key', password);
      const credentials = state.registry.app('plytix', apiKey);
      if (!credentials || !password || !safeEqual(password, credentials.clientSecret)) {
        return reply.code(401).send({
          error: {
            msg: 'Bad api_key or api_password: authentication failed',
            errors: [{ field: 'http_status_code', msg: 401 }],
          },
        });
      }
      const iat = Math.floor(state.now() / 1000);
      const jwt = signJwt(
        { sub: apiKey, account_id: apiKey, iat, exp: iat + TOKEN_TTL_S, rate_limits: { requests: 20, seconds: 10 } },
        signingKey,
      );
      sessions.set(jwt, { apiKey, exp: (iat + TOKEN_TTL_S) * 1000 });
      return reply.send({ data: [{ access_token: jwt, refresh_token: randomBytes(16).toString('hex') }] });
    });
    app.post('/api/v1/products/search', cfg('plytix.products.search'), (request, reply) =>
      search(state, sessions, request, reply),
    );
    // The product search filters (Plytix API v1 "Get available filters"): a cheap authenticated read.
    app.get('/api/v1/filters/product', cfg('plytix.filters.product'), (request, reply) => {
      const token = bearerOf(request);
      noteAuth(request, 'bearer', token);
      const session = token ? sessions.get(token) : undefined;
      if (!session || session.exp <= state.now())
        return reply.code(401).send({ error: { msg: 'Token expired or invalid' } });
      return reply.send({ data: productFilters });
    });
  };
}

const productFilters = [
  { key: 'sku', label: 'SKU', filter_type: 'TextFilter' },
  { key: 'label', label: 'Label', filter_type: 'TextFilter' },
  { key: 'modified', label: 'Modified', filter_type: 'DateFilter' },
];

function signJwt(payload: object, key: Buffer): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
}

function search(
  state: SandboxState,
  sessions: Map<string, { apiKey: string; exp: number }>,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const token = bearerOf(request);
  noteAuth(request, 'bearer', token);
  const session = token ? sessions.get(token) : undefined;
  if (!session || session.exp <= state.now())
    return reply.code(401).send({ error: { msg: 'Token expired or invalid' } });
  const paging = ((request.body as Record<string, unknown> | undefined)?.pagination ?? {}) as Record<string, unknown>;
  const page = typeof paging.page === 'number' ? paging.page : 1;
  const size = typeof paging.page_size === 'number' ? paging.page_size : 25;
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
    return reply.code(400).send({ error: { msg: 'Invalid pagination' } });
  }
  const account = state.registry.ensureAccount('plytix', session.apiKey);
  const data = state.registry.dataset(account);
  const total = data.options.products;
  const items = [];
  for (let i = (page - 1) * size; i < Math.min(total, page * size); i++) {
    const p = data.product(i);
    items.push({
      id: (account.tag.toString(16).padStart(8, '0') + i.toString(16).padStart(16, '0')).slice(0, 24),
      sku: p.variants[0]?.sku ?? `P${i}`,
      label: p.name,
      created: isoUtc(p.createdAt),
      modified: isoUtc(p.updatedAt),
      attributes: { stock: data.inventory(i, 0, 0), price: (p.variants[0]?.priceCents ?? 0) / 100 },
    });
  }
  return reply.send({ data: items, pagination: { count: items.length, page, page_size: size, total_count: total } });
}
