import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AccountState, ProviderName } from '../registry/registry.js';
import type { SandboxState } from '../sandbox-context.js';
import {
  renderInventoryLevel,
  renderProduct,
  renderShopLocation,
  renderShopOrder,
  type ShopContext,
} from '../shopify/shopify-render.js';
import { renderCount, renderItem, renderLocation, renderOrder, type SquareContext } from '../square/square-render.js';
import { stringifyWithBigInts } from '../util/big-json.js';
import { CELIGO_SIZES, CeligoAccount } from '../celigo/celigo-data.js';
import { cloudId } from '../generic/generic-oauth.routes.js';
import { renderIssue } from '../jira/jira-render.js';
import { exportRows, SUITEQL_TABLES } from '../netsuite/suiteql.js';
import { renderAsset, renderProduct as renderPlytixProduct } from '../plytix/plytix-render.js';
import { allStock, renderWarehouse } from '../wms/wms.routes.js';
import { announce } from './admin-events.routes.js';
import { mutateSchema, parseBody } from './admin.schemas.js';

// `origin` is the sandbox's own origin, for records that carry links (Jira `self`).
type Exporter = (state: SandboxState, account: AccountState, origin: string) => Iterable<unknown>;

function squareCtx(state: SandboxState, account: AccountState): SquareContext {
  return { merchantId: account.config.account, tag: account.tag, data: state.registry.dataset(account) };
}

function shopCtx(state: SandboxState, account: AccountState): ShopContext {
  return {
    shop: account.config.account,
    offsetMinutes: state.registry.timezoneOffset(account),
    data: state.registry.dataset(account),
  };
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

// Every record of an entity in creation order, rendered exactly as the API renders it.
const EXPORTERS: Partial<Record<ProviderName, Record<string, Exporter>>> = {
  square: {
    locations: function* (s, a) {
      const c = squareCtx(s, a);
      for (const k of range(c.data.options.locations)) yield renderLocation(c, k);
    },
    catalog: function* (s, a) {
      const c = squareCtx(s, a);
      for (const i of range(c.data.options.products)) yield renderItem(c, c.data.product(i));
    },
    inventory: function* (s, a) {
      const c = squareCtx(s, a);
      for (const i of range(c.data.options.products)) {
        const p = c.data.product(i);
        for (const v of range(p.variants.length))
          for (const k of range(c.data.options.locations)) yield renderCount(c, p, v, k);
      }
    },
    orders: function* (s, a) {
      const c = squareCtx(s, a);
      for (const i of range(c.data.orderCount)) yield renderOrder(c, i);
    },
  },
  shopify: {
    locations: function* (s, a) {
      const c = shopCtx(s, a);
      for (const k of range(c.data.options.locations)) yield renderShopLocation(c, k);
    },
    products: function* (s, a) {
      const c = shopCtx(s, a);
      for (const i of range(c.data.options.products)) yield renderProduct(c, c.data.product(i));
    },
    inventory_levels: function* (s, a) {
      const c = shopCtx(s, a);
      for (const g of range(c.data.variantTotal))
        for (const k of range(c.data.options.locations)) yield renderInventoryLevel(c, g, k);
    },
    orders: function* (s, a) {
      const c = shopCtx(s, a);
      for (const i of range(c.data.orderCount)) yield renderShopOrder(c, i);
    },
  },
  celigo: {
    flows: function* (s, a) {
      const c = new CeligoAccount(a.tag, s.registry.options.anchor);
      for (const f of range(CELIGO_SIZES.flows)) yield c.flow(f);
    },
    // Every open error of every step, flow by flow (export step, then import step), oldest first.
    errors: function* (s, a) {
      const c = new CeligoAccount(a.tag, s.registry.options.anchor);
      for (const f of range(CELIGO_SIZES.flows))
        for (const step of [0, 1] as const) for (const e of range(c.errorCount(f, step))) yield c.error(f, step, e);
    },
  },
  plytix: {
    products: function* (s, a) {
      const c = { tag: a.tag, data: s.registry.dataset(a), seed: s.registry.options.seed };
      for (const i of range(c.data.options.products)) yield renderPlytixProduct(c, i);
    },
    assets: function* (s, a) {
      const c = { tag: a.tag, data: s.registry.dataset(a), seed: s.registry.options.seed };
      for (const i of range(c.data.options.products)) yield renderAsset(c, i);
    },
  },
  netsuite: Object.fromEntries(
    SUITEQL_TABLES.map((table): [string, Exporter] => [
      table,
      (s, a) => exportRows({ data: s.registry.dataset(a), seed: s.registry.options.seed }, table),
    ]),
  ),
  // The generic OAuth 2.0 accounts' data, as the sandbox WMS serves it.
  oauth2: {
    warehouses: function* (s, a) {
      const data = s.registry.dataset(a);
      for (const k of range(data.options.locations)) yield renderWarehouse(data, k);
    },
    stock: (s, a) => allStock(s.registry.dataset(a)),
  },
  atlassian: {
    issues: function* (s, a, origin) {
      const data = s.registry.dataset(a);
      const base = `${origin}/atlassian/ex/jira/${cloudId(a.config.account)}`;
      for (const i of range(data.orderCount)) yield renderIssue(data, i, base, ['*all']);
    },
  },
};

/** Mutation (so incremental syncs find changes) and NDJSON export of the sandbox's truth. */
export function registerAdminDataRoutes(app: FastifyInstance, state: SandboxState): void {
  app.post('/data/mutate', async (request, reply) => {
    const body = parseBody(mutateSchema, request.body, reply);
    if (!body) return reply;
    const account = state.registry.account(body.provider, body.account);
    if (!account) return reply.code(404).send({ error: 'unknown_account' });
    const data = state.registry.dataset(account);
    const now = state.now();
    const changes = {
      orders: body.orders ? data.mutate('orders', body.orders, now) : [],
      products: body.products ? data.mutate('products', body.products, now) : [],
      created: Array.from({ length: body.newOrders ?? 0 }, () => data.addOrder(now, 0)),
    };
    const before = state.webhooks.started;
    announce(state, account, changes);
    return {
      deliveries: state.webhooks.started - before,
      orders: changes.orders.length,
      products: changes.products.length,
      created: changes.created.length,
      at: new Date(Math.max(now, data.orderTimeline.latest(), data.productTimeline.latest())).toISOString(),
    };
  });
  app.get('/data/export', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const exporter = EXPORTERS[q.provider as ProviderName]?.[q.entity ?? ''];
    const account = q.provider && q.account ? state.registry.account(q.provider as ProviderName, q.account) : undefined;
    if (!exporter || !account) return reply.code(404).send({ error: 'unknown provider, account or entity' });
    const origin = `${request.protocol}://${request.headers.host ?? 'localhost'}`;
    const lines = (function* () {
      for (const record of exporter(state, account, origin)) yield `${stringifyWithBigInts(record)}\n`;
    })();
    return reply.type('application/x-ndjson').send(Readable.from(lines));
  });
}
