import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../oauth/redirect.js';
import type { AppConfig } from '../registry/registry.js';
import { bearerOf, noteAuth, type SandboxState, routeConfig } from '../sandbox-context.js';
import { cursorNumber, decodeCursor, encodeCursor } from '../util/cursor.js';
import { isoUtc } from '../util/time.js';
import { newSignatureKey, SQUARE_DEFAULT_API_VERSION, type SquareSubscription } from '../webhooks/subscriptions.js';
import { invalidRequest, squareError } from './square-errors.js';

const cfg = routeConfig('square');

/** The event types the sandbox can emit or accept in a subscription (Square's names). */
export const SQUARE_EVENT_TYPES = [
  'order.created',
  'order.updated',
  'order.fulfillment.updated',
  'inventory.count.updated',
  'catalog.version.updated',
  'oauth.authorization.revoked',
  'payment.created',
  'payment.updated',
  'refund.created',
  'refund.updated',
] as const;

/** The merchant id test notifications carry (chosen: no seller authorized it, as with Square's sample events). */
export const TEST_MERCHANT = 'SANDBOXTESTMERCHANT';

const notFound = (reply: FastifyReply): FastifyReply =>
  reply.code(404).send(invalidRequest('NOT_FOUND', 'Subscription not found.'));

/** The wire shape; the signature key only where Square returns it (create, retrieve, update). */
function render(s: SquareSubscription, withKey: boolean): object {
  return {
    id: s.id,
    name: s.name,
    enabled: s.enabled,
    event_types: s.eventTypes,
    notification_url: s.notificationUrl,
    api_version: s.apiVersion,
    ...(withKey ? { signature_key: s.signatureKey } : {}),
    created_at: isoUtc(s.createdAt),
    updated_at: isoUtc(s.updatedAt),
  };
}

type Handler = (app: AppConfig, request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

// Subscriptions belong to the application: only its personal access token is accepted, never a seller's OAuth token.
function withAppToken(state: SandboxState, handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const token = bearerOf(request);
    noteAuth(request, 'personal-token', token);
    const app = token ? state.registry.appByPersonalToken('square', token) : undefined;
    if (app) return handler(app, request, reply);
    const detail =
      token && state.tokens.peek(token)
        ? 'OAuth access tokens cannot be used with the Webhook Subscriptions API; use the application personal access token.'
        : 'This request could not be authorized.';
    return reply.code(401).send(squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', detail));
  };
}

interface Input {
  name?: string;
  enabled?: boolean;
  eventTypes?: string[];
  notificationUrl?: string;
  apiVersion?: string;
}

// The `subscription` object of a create or update body; a string error names the bad field.
function readInput(body: unknown): Input | string {
  const raw = (body as Record<string, unknown> | undefined)?.subscription;
  if (typeof raw !== 'object' || raw === null) return 'subscription';
  const s = raw as Record<string, unknown>;
  const input: Input = {};
  if (s.name !== undefined) {
    if (typeof s.name !== 'string') return 'subscription.name';
    input.name = s.name;
  }
  if (s.enabled !== undefined) {
    if (typeof s.enabled !== 'boolean') return 'subscription.enabled';
    input.enabled = s.enabled;
  }
  if (s.event_types !== undefined) {
    const types = s.event_types;
    const known: readonly string[] = SQUARE_EVENT_TYPES;
    if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string' && known.includes(t)))
      return 'subscription.event_types';
    input.eventTypes = types as string[];
  }
  if (s.notification_url !== undefined) {
    if (typeof s.notification_url !== 'string' || !/^https?:\/\/[^\s]+$/.test(s.notification_url))
      return 'subscription.notification_url';
    input.notificationUrl = s.notification_url;
  }
  if (s.api_version !== undefined) {
    if (typeof s.api_version !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s.api_version))
      return 'subscription.api_version';
    input.apiVersion = s.api_version;
  }
  return input;
}

const badField = (reply: FastifyReply, path: string): FastifyReply =>
  reply.code(400).send(invalidRequest('INVALID_VALUE', `Invalid value for ${path}.`, path));

/** Webhook Subscriptions API: list, create, retrieve, update, delete, rotate the signature key; event types. */
export function registerSquareWebhookRoutes(app: FastifyInstance, state: SandboxState): void {
  const book = state.registry.subscriptions;
  const idempotent = new Map<string, string>();
  app.get(
    '/v2/webhooks/event-types',
    cfg('square.webhooks.eventTypes'),
    withAppToken(state, (_app, _request, reply) =>
      reply.send({
        event_types: [...SQUARE_EVENT_TYPES],
        metadata: SQUARE_EVENT_TYPES.map((t) => ({
          event_type: t,
          api_version_introduced: '2021-06-16',
          release_status: 'PUBLIC',
        })),
      }),
    ),
  );
  app.get(
    '/v2/webhooks/subscriptions',
    cfg('square.webhooks.list'),
    withAppToken(state, (owner, request, reply) => {
      const q = request.query;
      const limit = Number(field(q, 'limit') ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return badField(reply, 'limit');
      const cursor = field(q, 'cursor');
      const offset = cursor === undefined ? 0 : cursorNumber(decodeCursor(cursor) ?? {}, 'o');
      if (offset === undefined)
        return reply.code(400).send(invalidRequest('INVALID_CURSOR', 'The cursor is invalid.', 'cursor'));
      const all = book.squareOf(owner.clientId, field(q, 'include_disabled') === 'true');
      if (field(q, 'sort_order') === 'DESC') all.reverse();
      const page = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? encodeCursor({ o: offset + limit }) : undefined;
      if (page.length === 0) return reply.send({});
      return reply.send({ subscriptions: page.map((s) => render(s, false)), ...(next ? { cursor: next } : {}) });
    }),
  );
  app.post(
    '/v2/webhooks/subscriptions',
    cfg('square.webhooks.create'),
    withAppToken(state, (owner, request, reply) => {
      const key = field(request.body, 'idempotency_key');
      const earlier =
        key === undefined
          ? undefined
          : book.squareById(owner.clientId, idempotent.get(`${owner.clientId}\n${key}`) ?? '');
      if (earlier) return reply.send({ subscription: render(earlier, true) });
      const input = readInput(request.body);
      if (typeof input === 'string') return badField(reply, input);
      if (!input.eventTypes) return badField(reply, 'subscription.event_types');
      if (!input.notificationUrl) return badField(reply, 'subscription.notification_url');
      const version = request.headers['square-version'];
      const created = book.addSquare(owner.clientId, false, {
        name: input.name ?? '',
        enabled: input.enabled ?? true,
        eventTypes: input.eventTypes,
        notificationUrl: input.notificationUrl,
        apiVersion: input.apiVersion ?? (typeof version === 'string' ? version : SQUARE_DEFAULT_API_VERSION),
      });
      if (key !== undefined) idempotent.set(`${owner.clientId}\n${key}`, created.id);
      return reply.send({ subscription: render(created, true) });
    }),
  );
  // The app's own subscription named in the path, or 404.
  const owned = (
    handler: (
      found: SquareSubscription,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => FastifyReply | Promise<FastifyReply>,
  ) =>
    withAppToken(state, (owner, request, reply) => {
      const found = book.squareById(owner.clientId, (request.params as { id: string }).id);
      return found ? handler(found, request, reply) : notFound(reply);
    });
  app.get(
    '/v2/webhooks/subscriptions/:id',
    cfg('square.webhooks.get'),
    owned((found, _request, reply) => reply.send({ subscription: render(found, true) })),
  );
  app.put(
    '/v2/webhooks/subscriptions/:id',
    cfg('square.webhooks.update'),
    owned((found, request, reply) => {
      const input = readInput(request.body);
      if (typeof input === 'string') return badField(reply, input);
      return reply.send({ subscription: render(book.updateSquare(found, input), true) });
    }),
  );
  app.delete(
    '/v2/webhooks/subscriptions/:id',
    cfg('square.webhooks.delete'),
    owned((found, _request, reply) => {
      book.deleteSquare(found.id);
      return reply.send({});
    }),
  );
  app.post(
    '/v2/webhooks/subscriptions/:id/signature-key',
    cfg('square.webhooks.rotateKey'),
    owned((found, _request, reply) =>
      reply.send({ signature_key: book.updateSquare(found, { signatureKey: newSignatureKey() }).signatureKey }),
    ),
  );
  // One notification of a sample event to the subscription, answered with what its endpoint said (no retries).
  app.post(
    '/v2/webhooks/subscriptions/:id/test',
    cfg('square.webhooks.test'),
    owned(async (found, request, reply) => {
      const type = field(request.body, 'event_type') ?? found.eventTypes[0] ?? 'order.updated';
      if (!found.eventTypes.includes(type)) return badField(reply, 'event_type');
      const { delivery, done } = state.webhooks.send({
        provider: 'square',
        targetUrl: found.notificationUrl,
        notificationUrl: found.notificationUrl,
        secret: found.signatureKey,
        account: TEST_MERCHANT,
        type,
        apiVersion: found.apiVersion,
        retries: { max: 0 },
        subscriptionId: found.id,
      });
      const finished = await done;
      const at = isoUtc(state.now());
      return reply.send({
        subscription_test_result: {
          id: delivery.id,
          status_code: finished.attempts[0]?.status ?? undefined,
          payload: delivery.body,
          created_at: at,
          updated_at: at,
        },
      });
    }),
  );
}
