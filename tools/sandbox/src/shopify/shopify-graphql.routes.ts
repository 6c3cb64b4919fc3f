import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SandboxState, routeConfig } from '../sandbox-context.js';
import type { ShopifySubscription, SubscriptionBook } from '../webhooks/subscriptions.js';
import { authed } from './shopify-auth.js';
import {
  createSubscription,
  graphqlTopic,
  graphqlWebhook,
  restTopic,
  updateSubscription,
  type SubscriptionProblem,
} from './shopify-subscriptions.js';
import { WRITE_RESOLVERS } from './shopify-graphql-writes.js';
import {
  argument,
  gidNumber,
  invalidArgument,
  strings,
  text,
  type Operation,
  type Resolver,
} from './shopify-graphql.js';

const cfg = routeConfig('shopify');
const COST = {
  cost: {
    requestedQueryCost: 10,
    actualQueryCost: 10,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
  },
};

// The `webhookSubscription` input: a variable object, or inline fields.
function subscriptionInput(op: Operation): { address?: string; includeFields?: string[] } {
  const raw = op.arg('webhookSubscription');
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  const pick = (key: string): unknown => (input ? input[key] : op.arg(key));
  return { address: text(pick('uri')) ?? text(pick('callbackUrl')), includeFields: strings(pick('includeFields')) };
}

const USER_ERRORS: Record<SubscriptionProblem, object> = {
  taken: { field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' },
  address: { field: ['webhookSubscription', 'callbackUrl'], message: 'Address is invalid' },
};

function payload(result: ShopifySubscription | SubscriptionProblem): object {
  return typeof result === 'string'
    ? { webhookSubscription: null, userErrors: [USER_ERRORS[result]] }
    : { webhookSubscription: graphqlWebhook(result), userErrors: [] };
}

// Subscription operations work on the app's subscriptions for this shop.
const on =
  (f: (book: SubscriptionBook, shop: string, clientId: string, op: Operation, version: string) => object): Resolver =>
  (call) =>
    f(call.state.registry.subscriptions, call.ctx.shop, call.clientId, call.op, call.version);

const RESOLVERS: Record<string, Resolver> = {
  ...WRITE_RESOLVERS,
  webhookSubscriptionCreate: on((book, shop, clientId, op, version) => {
    const enumValue = op.arg('topic');
    const topic = typeof enumValue === 'string' ? restTopic(enumValue) : undefined;
    if (!topic) return invalidArgument('webhookSubscriptionCreate', 'topic', enumValue);
    const input = subscriptionInput(op);
    const created = createSubscription(book, clientId, shop, {
      topic,
      address: input.address ?? '',
      apiVersion: version,
      includeFields: input.includeFields,
    });
    return { data: { webhookSubscriptionCreate: payload(created) } };
  }),
  webhookSubscriptionUpdate: on((book, shop, clientId, op) => {
    const found = byGid(book, shop, clientId, op.arg('id'));
    if (!found)
      return {
        data: {
          webhookSubscriptionUpdate: {
            webhookSubscription: null,
            userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
          },
        },
      };
    return { data: { webhookSubscriptionUpdate: payload(updateSubscription(book, found, subscriptionInput(op))) } };
  }),
  webhookSubscriptionDelete: on((book, shop, clientId, op) => {
    const found = byGid(book, shop, clientId, op.arg('id'));
    if (found) book.deleteShopify(found.id);
    return {
      data: {
        webhookSubscriptionDelete: found
          ? { deletedWebhookSubscriptionId: `gid://shopify/WebhookSubscription/${found.id}`, userErrors: [] }
          : {
              deletedWebhookSubscriptionId: null,
              userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
            },
      },
    };
  }),
  webhookSubscription: on((book, shop, clientId, op) => {
    const found = byGid(book, shop, clientId, op.arg('id'));
    return { data: { webhookSubscription: found ? graphqlWebhook(found) : null } };
  }),
  webhookSubscriptions: on((book, shop, clientId, op) => list(book.shopifyOf(clientId, shop), op)),
};

function byGid(book: SubscriptionBook, shop: string, clientId: string, id: unknown): ShopifySubscription | undefined {
  const number = gidNumber('WebhookSubscription', id);
  return number ? book.shopifyById(clientId, shop, Number(number)) : undefined;
}

// A connection page: `first` (≤ 250) after an opaque cursor, filtered by `topics` and `uri`/`callbackUrl`.
function list(all: ShopifySubscription[], op: Operation): object {
  const first = op.arg('first');
  const limit = typeof first === 'number' ? first : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 250)
    return invalidArgument('webhookSubscriptions', 'first', first);
  const topics = strings(op.arg('topics'));
  const uri = text(op.arg('uri')) ?? text(op.arg('callbackUrl'));
  const after = text(op.arg('after'));
  const afterId = after === undefined ? 0 : Number(Buffer.from(after, 'base64url').toString('utf8'));
  const matching = all.filter(
    (s) =>
      s.id > afterId && (!topics || topics.includes(graphqlTopic(s.topic))) && (uri === undefined || s.address === uri),
  );
  const page = matching.slice(0, limit);
  const cursor = (s: ShopifySubscription): string => Buffer.from(String(s.id)).toString('base64url');
  const nodes = page.map(graphqlWebhook);
  const last = page[page.length - 1];
  return {
    data: {
      webhookSubscriptions: {
        edges: page.map((s, k) => ({ cursor: cursor(s), node: nodes[k] })),
        nodes,
        pageInfo: {
          hasNextPage: matching.length > page.length,
          hasPreviousPage: afterId > 0,
          startCursor: page[0] ? cursor(page[0]) : null,
          endCursor: last ? cursor(last) : null,
        },
      },
    },
  };
}

// The one root field the document asks for (mutations first: `webhookSubscriptions` is a prefix of none of them).
function rootField(query: string): string | undefined {
  return Object.keys(RESOLVERS).find((name) => new RegExp(`\\b${name}\\s*[({]`).test(query));
}

/** GraphQL Admin API, webhook subscription operations only. */
export function registerShopifyGraphqlRoutes(app: FastifyInstance, state: SandboxState): void {
  app.post(
    '/admin/api/:version/graphql.json',
    cfg('shopify.graphql'),
    authed(state, (ctx, request, reply: FastifyReply, clientId) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const query = text(body.query);
      if (!query) return reply.code(400).send({ errors: { query: 'Required parameter missing or invalid' } });
      const rawVariables = body.variables;
      const variables =
        typeof rawVariables === 'object' && rawVariables !== null ? (rawVariables as Record<string, unknown>) : {};
      const name = rootField(query);
      if (!name)
        return reply.send({
          errors: [
            {
              message:
                'The sandbox answers only the webhook subscription operations and a few writes (see its README).',
              extensions: { code: 'undefinedField' },
            },
          ],
        });
      const op: Operation = { query, variables, arg: (arg) => argument(query, variables, arg) };
      const version = (request.params as { version: string }).version;
      const resolver = RESOLVERS[name] as Resolver;
      return reply.send({ ...resolver({ state, ctx, clientId, op, version }), extensions: COST });
    }),
  );
}
