import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../oauth/redirect.js';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import type { ShopifySubscription } from '../webhooks/subscriptions.js';
import { authed } from './shopify-auth.js';
import type { ShopContext } from './shopify-render.js';
import {
  createSubscription,
  isApiTopic,
  restWebhook,
  SHOPIFY_TOPICS,
  updateSubscription,
  type SubscriptionProblem,
} from './shopify-subscriptions.js';

const cfg = routeConfig('shopify');

const PROBLEMS: Record<SubscriptionProblem, object> = {
  taken: { address: ['for this topic has already been taken'] },
  address: { address: ['is invalid'] },
};

function webhookBody(request: FastifyRequest): Record<string, unknown> {
  const webhook = (request.body as Record<string, unknown> | undefined)?.webhook;
  return typeof webhook === 'object' && webhook !== null ? (webhook as Record<string, unknown>) : {};
}

const fieldsOf = (raw: unknown): string[] | undefined =>
  Array.isArray(raw) && raw.every((f) => typeof f === 'string') ? raw : undefined;

const send = (reply: FastifyReply, offset: number, s: ShopifySubscription | SubscriptionProblem, status = 200) =>
  typeof s === 'string'
    ? reply.code(422).send({ errors: PROBLEMS[s] })
    : reply.code(status).send({ webhook: restWebhook(s, offset) });

/** REST Admin API webhooks.json: list, count, create, retrieve, update, delete (per shop, per app). */
export function registerShopifyWebhookRoutes(app: FastifyInstance, state: SandboxState): void {
  const book = state.registry.subscriptions;
  const find = (request: FastifyRequest, clientId: string, shop: string): ShopifySubscription | undefined => {
    const id = Number((request.params as { id: string }).id);
    return Number.isSafeInteger(id) ? book.shopifyById(clientId, shop, id) : undefined;
  };

  app.get(
    '/admin/api/:version/webhooks.json',
    cfg('shopify.webhooks.list'),
    authed(state, (ctx, request, reply, clientId) => {
      const address = field(request.query, 'address');
      const topic = field(request.query, 'topic');
      const webhooks = book
        .shopifyOf(clientId, ctx.shop)
        .filter((s) => (address === undefined || s.address === address) && (topic === undefined || s.topic === topic));
      return reply.send({ webhooks: webhooks.map((s) => restWebhook(s, ctx.offsetMinutes)) });
    }),
  );
  app.get(
    '/admin/api/:version/webhooks/count.json',
    cfg('shopify.webhooks.count'),
    authed(state, (ctx, _request, reply, clientId) => reply.send({ count: book.shopifyOf(clientId, ctx.shop).length })),
  );
  app.post(
    '/admin/api/:version/webhooks.json',
    cfg('shopify.webhooks.create'),
    authed(state, (ctx, request, reply, clientId) => {
      const body = webhookBody(request);
      const topic = typeof body.topic === 'string' ? body.topic : '';
      if (!isApiTopic(topic)) {
        const allowed = SHOPIFY_TOPICS.join(', ');
        return reply
          .code(422)
          .send({ errors: { topic: [`Invalid topic specified: ${topic}. Topics allowed: ${allowed}`] } });
      }
      if (body.format !== undefined && body.format !== 'json')
        return reply.code(422).send({ errors: { format: ['is not included in the list'] } });
      const created = createSubscription(book, clientId, ctx.shop, {
        topic,
        address: typeof body.address === 'string' ? body.address : '',
        apiVersion: (request.params as { version: string }).version,
        includeFields: fieldsOf(body.fields),
      });
      return send(reply, ctx.offsetMinutes, created, 201);
    }),
  );
  // The app's own subscription for this shop named in the path, or 404.
  const owned = (
    handler: (
      found: ShopifySubscription,
      ctx: ShopContext,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => FastifyReply,
  ) =>
    authed(state, (ctx, request, reply, clientId) => {
      const found = find(request, clientId, ctx.shop);
      return found ? handler(found, ctx, request, reply) : reply.code(404).send({ errors: 'Not Found' });
    });
  app.get(
    '/admin/api/:version/webhooks/:id.json',
    cfg('shopify.webhooks.get'),
    owned((found, ctx, _request, reply) => send(reply, ctx.offsetMinutes, found)),
  );
  app.put(
    '/admin/api/:version/webhooks/:id.json',
    cfg('shopify.webhooks.update'),
    owned((found, ctx, request, reply) => {
      const body = webhookBody(request);
      const address = typeof body.address === 'string' ? body.address : undefined;
      const changes = { address, includeFields: fieldsOf(body.fields) };
      return send(reply, ctx.offsetMinutes, updateSubscription(book, found, changes));
    }),
  );
  app.delete(
    '/admin/api/:version/webhooks/:id.json',
    cfg('shopify.webhooks.delete'),
    owned((found, _ctx, _request, reply) => {
      book.deleteShopify(found.id);
      return reply.send({});
    }),
  );
}
