import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccountState } from '../registry/registry.js';
import type { SandboxState } from '../sandbox-context.js';
import { levelEvent, orderEvent as shopOrderEvent, productEvent } from '../shopify/shopify-events.js';
import { sendCompliance, shopContext, uninstallApp } from '../shopify/shopify-lifecycle.js';
import { COMPLIANCE_TOPICS } from '../shopify/shopify-subscriptions.js';
import { SHOP_PATTERN } from '../shopify/shopify.plugin.js';
import { catalogEvent, countsEvent, orderEvent } from '../square/square-events.js';
import { renderCount, type SquareContext } from '../square/square-render.js';
import { parseBody } from './admin.schemas.js';

const shop = z.string().regex(SHOP_PATTERN);
const uninstallSchema = z.object({ shop, clientId: z.string().min(1) });
const complianceSchema = z.object({
  shop,
  clientId: z.string().min(1),
  topic: z.enum(COMPLIANCE_TOPICS),
  customerId: z.number().int().positive().optional(),
  email: z.string().min(1).optional(),
  orderIds: z.array(z.number().int().positive()).optional(),
});

/** What an admin data change did, to be announced the way the provider would. */
export interface Changes {
  readonly orders: readonly number[];
  readonly products: readonly number[];
  readonly created: readonly number[];
}

/** Sends the events a data change causes (admin mutate and create behave like the provider's own writes). */
export function announce(state: SandboxState, account: AccountState, changes: Changes): void {
  const data = state.registry.dataset(account);
  if (account.config.provider === 'square') {
    const ctx: SquareContext = { merchantId: account.config.account, tag: account.tag, data };
    for (const i of changes.created) orderEvent(state, ctx, i, true);
    for (const i of changes.orders) orderEvent(state, ctx, i, false);
    if (changes.products.length === 0) return;
    catalogEvent(state, ctx);
    const counts = changes.products.flatMap((p) => {
      const product = data.product(p);
      return product.variants.flatMap((_, v) =>
        Array.from({ length: data.options.locations }, (_, k) => renderCount(ctx, product, v, k)),
      );
    });
    countsEvent(state, ctx, counts);
  }
  if (account.config.provider === 'shopify') {
    const ctx = shopContext(state, account.config.account);
    for (const i of changes.created) shopOrderEvent(state, ctx, i, ['orders/create']);
    for (const i of changes.orders) shopOrderEvent(state, ctx, i, ['orders/updated']);
    for (const p of changes.products) {
      productEvent(state, ctx, p);
      for (let v = 0; v < data.variantCount(p); v++)
        for (let k = 0; k < data.options.locations; k++) levelEvent(state, ctx, data.variantGlobalIndex(p, v), k);
    }
  }
}

/** Shopify lifecycle events on request: uninstall (app/uninstalled) and the compliance topics. */
export function registerAdminEventRoutes(app: FastifyInstance, state: SandboxState): void {
  app.post('/shopify/uninstall', async (request, reply) => {
    const body = parseBody(uninstallSchema, request.body, reply);
    return body ? { deliveries: uninstallApp(state, body.shop, body.clientId) } : reply;
  });
  app.post('/shopify/compliance', async (request, reply) => {
    const body = parseBody(complianceSchema, request.body, reply);
    return body ? { deliveries: sendCompliance(state, body) } : reply;
  });
}
