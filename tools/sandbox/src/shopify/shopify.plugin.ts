import type { FastifyInstance } from 'fastify';
import { applyFaults, noteAccount, type FaultShapes, type SandboxState } from '../sandbox-context.js';
import { registerShopifyDataRoutes } from './shopify-data.routes.js';
import { registerShopifyGraphqlRoutes } from './shopify-graphql.routes.js';
import { registerShopifyWebhookRoutes } from './shopify-webhooks.routes.js';
import { registerShopifyWriteRoutes } from './shopify-writes.routes.js';
import { registerShopifyOAuthRoutes } from './shopify-oauth.routes.js';

/** Shopify's own shop-domain rule for the sandbox: `{name}.myshopify.com`. */
export const SHOP_PATTERN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

const shapes: FaultShapes = {
  server: () => ({ errors: 'Internal Server Error' }),
  rateLimited: () => ({
    errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
  }),
  cursorExpired: () => ({ status: 400, body: { errors: { page_info: ['Invalid value.'] } } }),
};

/** Everything under `/shopify/{shop}` (stands for https://{shop}). */
export function shopifyPlugin(state: SandboxState) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const shop = (request.params as { shop?: string }).shop ?? '';
      if (!SHOP_PATTERN.test(shop)) return reply.code(404).send({ errors: 'Not Found' });
      noteAccount(request, shop);
      const version = (request.params as { version?: string }).version;
      if (request.facts) request.facts.apiVersion = version ?? null;
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    registerShopifyOAuthRoutes(app, state);
    registerShopifyDataRoutes(app, state);
    registerShopifyWebhookRoutes(app, state);
    registerShopifyGraphqlRoutes(app, state);
    registerShopifyWriteRoutes(app, state);
  };
}
