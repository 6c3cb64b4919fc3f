import type { FastifyReply, FastifyRequest } from 'fastify';
import { noteAuth, type SandboxState } from '../sandbox-context.js';
import type { ShopContext } from './shopify-render.js';

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

/** An authenticated Admin API call: the shop's context and the app (client id) the token was issued to. */
export type ShopHandler = (
  ctx: ShopContext,
  request: FastifyRequest,
  reply: FastifyReply,
  clientId: string,
) => FastifyReply | Promise<FastifyReply>;

/** X-Shopify-Access-Token authentication plus the shop's leaky bucket (auth first: the bucket is per app and shop). */
export function authed(state: SandboxState, handler: ShopHandler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const shop = (request.params as { shop: string }).shop;
    const header = request.headers['x-shopify-access-token'];
    const token = typeof header === 'string' ? header : undefined;
    noteAuth(request, 'shopify-token', token);
    const auth = token ? state.tokens.authenticate('shopify', token) : undefined;
    if (!auth?.ok || auth.family.account !== shop) return reply.code(401).send({ errors: INVALID_TOKEN });
    const account = state.registry.ensureAccount('shopify', shop);
    const now = state.now();
    const bucket = account.bucket.take(now);
    reply.header('x-shopify-shop-api-call-limit', `${bucket.used}/${account.bucket.config.capacity}`);
    if (!bucket.ok) {
      if (request.facts) request.facts.retryAfterUntil = now + 2000;
      return reply.code(429).header('retry-after', '2.0').send({
        errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
      });
    }
    const ctx = { shop, offsetMinutes: state.registry.timezoneOffset(account), data: state.registry.dataset(account) };
    return handler(ctx, request, reply, auth.family.clientId);
  };
}
