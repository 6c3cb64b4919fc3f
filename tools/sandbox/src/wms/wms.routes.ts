import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountDataset } from '../dataset/dataset.js';
import type { AccountState } from '../registry/registry.js';
import {
  applyFaults,
  bearerOf,
  noteAccount,
  noteAuth,
  routeConfig,
  type FaultShapes,
  type SandboxState,
} from '../sandbox-context.js';
import { cursorNumber, decodeCursor, encodeCursor } from '../util/cursor.js';

/*
 * Sandbox WMS under `/wms`: a warehouse system's REST API in the shape most WMS vendors document, standing in for the
 * retailer's own WMS that Shelflink reaches through a provider declared in configuration (no code of ours knows it).
 *
 * - Auth: `Authorization: Bearer <token>` from the sandbox's generic OAuth 2.0 server (`/oauth2/token`); otherwise
 *   401 `{"errors":[{"code":"unauthorized"}]}`. The token's account is the warehouse operator.
 * - `GET /wms/v1/warehouses` → `{"data":[{"id","name","city","updated_at"}],"next_cursor":null}`.
 * - `GET /wms/v1/stock?limit=&cursor=&updated_since=`: one row per SKU and warehouse, oldest change first
 *   (`updated_at`, then `sku`, then `warehouse_id`). `limit` 1-500 (default 100); `updated_since` (ISO 8601) keeps
 *   rows changed at or after it. → `{"data":[{"sku","warehouse_id","on_hand","allocated","updated_at"}],
 *   "next_cursor":"…"|null}`. A cursor is opaque and bound to its query: a malformed one, or one sent with another
 *   `updated_since`, is 400 `{"errors":[{"code":"invalid_cursor","field":"cursor"}]}`.
 * - 429 with `Retry-After` (seconds) once the account's request window is spent.
 */

const cfg = routeConfig('wms');
const wmsError = (code: string, message: string, field?: string): object => ({
  errors: [{ code, message, ...(field ? { field } : {}) }],
});
const shapes: FaultShapes = {
  server: () => wmsError('internal_error', 'Simulated failure'),
  rateLimited: () => wmsError('rate_limited', 'Too many requests'),
  cursorExpired: () => ({ status: 400, body: wmsError('invalid_cursor', 'The cursor has expired', 'cursor') }),
};
const MAX_LIMIT = 500;

/** One stock row: variant `g` (global index) at warehouse `k`, changed at `t` (ms). */
interface StockKey {
  readonly t: number;
  readonly g: number;
  readonly k: number;
}

type Handler = (account: AccountState, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

export function wmsPlugin(state: SandboxState) {
  const authed =
    (handler: Handler) =>
    (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const token = bearerOf(request);
      noteAuth(request, 'bearer', token);
      const auth = token ? state.tokens.authenticate('oauth2', token) : undefined;
      if (!auth?.ok) return reply.code(401).send(wmsError('unauthorized', 'Missing or invalid access token'));
      noteAccount(request, auth.family.account);
      const account = state.registry.ensureAccount('oauth2', auth.family.account);
      const window = account.limiter.take(state.now());
      if (!window.ok) {
        const seconds = Math.max(1, Math.ceil((window.resetAt - state.now()) / 1000));
        if (request.facts) request.facts.retryAfterUntil = window.resetAt;
        return reply.code(429).header('retry-after', String(seconds)).send(shapes.rateLimited());
      }
      return handler(account, request, reply);
    };
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const token = bearerOf(request);
      noteAccount(request, token ? state.tokens.peek(token)?.account : undefined);
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.get(
      '/v1/warehouses',
      cfg('wms.warehouses'),
      authed((account, _request, reply) => {
        const data = state.registry.dataset(account);
        const rows = Array.from({ length: data.options.locations }, (_, k) => renderWarehouse(data, k));
        return reply.send({ data: rows, next_cursor: null });
      }),
    );
    app.get(
      '/v1/stock',
      cfg('wms.stock'),
      authed((account, request, reply) => stock(state.registry.dataset(account), request, reply)),
    );
  };
}

function stock(data: AccountDataset, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = request.query as Record<string, string | undefined>;
  const limit = q.limit === undefined ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return reply.code(400).send(wmsError('invalid_parameter', `limit must be 1-${MAX_LIMIT}`, 'limit'));
  const since = q.updated_since === undefined ? undefined : Date.parse(q.updated_since);
  if (since !== undefined && Number.isNaN(since))
    return reply.code(400).send(wmsError('invalid_parameter', 'updated_since must be ISO 8601', 'updated_since'));
  const query = createHash('sha256')
    .update(q.updated_since ?? '')
    .digest('base64url')
    .slice(0, 10);
  let after: StockKey | undefined;
  if (q.cursor !== undefined) {
    const c = decodeCursor(q.cursor);
    const [t, g, k] = ['t', 'g', 'k'].map((key) => (c ? cursorNumber(c, key) : undefined));
    if (!c || c.q !== query || t === undefined || g === undefined || k === undefined)
      return reply.code(400).send(wmsError('invalid_cursor', 'The cursor is invalid for this query', 'cursor'));
    after = { t, g, k };
  }
  const rows = stockKeys(data, since).filter((key) => after === undefined || compare(key, after) > 0);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeCursor({ ...last, q: query }) : null;
  return reply.send({ data: page.map((key) => renderStock(data, key)), next_cursor: next });
}

// Every SKU at every warehouse, in the API's order; a row changes whenever its product does.
function stockKeys(data: AccountDataset, since: number | undefined): StockKey[] {
  const keys: StockKey[] = [];
  for (let g = 0; g < data.variantTotal; g++) {
    const owner = data.variantOwner(g);
    if (!owner) continue;
    const t = data.productTimeline.time(owner.productIndex);
    if (since !== undefined && t < since) continue;
    for (let k = 0; k < data.options.locations; k++) keys.push({ t, g, k });
  }
  return keys.sort(compare);
}

function compare(a: StockKey, b: StockKey): number {
  return a.t - b.t || a.g - b.g || a.k - b.k;
}

/** A warehouse as the API renders it. */
export function renderWarehouse(data: AccountDataset, k: number): object {
  const location = data.location(k);
  return {
    id: warehouseId(k),
    name: `${location.city} Warehouse`,
    city: location.city,
    updated_at: new Date(location.createdAt).toISOString(),
  };
}

/** A stock row as the API renders it. */
export function renderStock(data: AccountDataset, key: StockKey): object {
  const owner = data.variantOwner(key.g) ?? { productIndex: 0, variantIndex: 0 };
  const product = data.product(owner.productIndex);
  const onHand = data.inventory(owner.productIndex, owner.variantIndex, key.k);
  return {
    sku: product.variants[owner.variantIndex]?.sku ?? null,
    warehouse_id: warehouseId(key.k),
    on_hand: onHand,
    allocated: onHand % 3,
    updated_at: new Date(key.t).toISOString(),
  };
}

/** Every stock row in the API's order (the export the tests compare with). */
export function* allStock(data: AccountDataset): Generator<object> {
  for (const key of stockKeys(data, undefined)) yield renderStock(data, key);
}

function warehouseId(k: number): string {
  return `WH-${k + 1}`;
}
