import type { FastifyInstance } from 'fastify';
import type { AccountState, AppConfig } from '../registry/registry.js';
import type { SandboxState } from '../sandbox-context.js';
import { revokeGrant } from '../square/square-oauth.routes.js';
import { registerAdminDataRoutes } from './admin-data.routes.js';
import { registerAdminEventRoutes } from './admin-events.routes.js';
import { accountRefSchema, accountSchema, appSchema, faultSchema, parseBody, webhookSchema } from './admin.schemas.js';

const publicApp = (app: AppConfig): object => ({
  ...app,
  clientSecret: undefined,
  webhookSignatureKey: undefined,
  personalAccessToken: undefined,
  webhookSubscriptions: app.webhookSubscriptions?.map((s) => ({ ...s, signatureKey: undefined })),
});
const accountSummary = (state: AccountState): object => ({ ...state.config, tbaTokens: undefined });

/** The sandbox's own control API under /_admin (JSON). */
export function adminPlugin(state: SandboxState) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/apps', async (request, reply) => {
      const body = parseBody(appSchema, request.body, reply);
      return body ? reply.code(201).send(publicApp(state.registry.upsertApp(body))) : reply;
    });
    app.get('/apps', async () => ({ apps: state.registry.listApps().map(publicApp) }));
    app.post('/accounts', async (request, reply) => {
      const body = parseBody(accountSchema, request.body, reply);
      return body ? reply.code(201).send(accountSummary(state.registry.upsertAccount(body))) : reply;
    });
    app.get('/accounts', async () => ({ accounts: state.registry.listAccounts().map(accountSummary) }));
    app.post('/tokens/expire', async (request, reply) => {
      const body = parseBody(accountRefSchema, request.body, reply);
      return body ? { expired: state.tokens.expireAccess(body.provider, body.account) } : reply;
    });
    app.post('/tokens/revoke', async (request, reply) => {
      const body = parseBody(accountRefSchema, request.body, reply);
      if (!body) return reply;
      // The merchant disconnected the app(s): Square tells each app's subscriptions.
      const revokedFamilies =
        body.provider === 'square'
          ? revokeGrant(state, body.account, 'MERCHANT')
          : state.tokens.revokeAccount(body.provider, body.account);
      return { revokedFamilies };
    });
    app.post('/faults', async (request, reply) => {
      const body = parseBody(faultSchema, request.body, reply);
      return body ? reply.code(201).send(state.faults.add(body)) : reply;
    });
    app.get('/faults', async () => ({ faults: state.faults.list() }));
    app.delete('/faults', async () => {
      state.faults.clear();
      return { cleared: true };
    });
    app.get('/ledger', async (request) => {
      const q = request.query as Record<string, string | undefined>;
      const since = q.since === undefined ? undefined : Number(q.since);
      return { entries: state.ledger.list({ provider: q.provider, account: q.account, endpoint: q.endpoint, since }) };
    });
    app.delete('/ledger', async () => {
      state.ledger.clear();
      return { cleared: true };
    });
    app.post('/webhooks/send', async (request, reply) => {
      const body = parseBody(webhookSchema, request.body, reply);
      if (!body) return reply;
      const { delivery, done } = state.webhooks.send({ ...body, type: body.type ?? body.topic ?? '' });
      if (!body.sync)
        return reply
          .code(202)
          .send({ deliveryId: delivery.id, eventId: delivery.eventId, webhookId: delivery.webhookId });
      const finished = await done;
      const last = finished.attempts[finished.attempts.length - 1];
      return {
        deliveryId: finished.id,
        state: finished.state,
        status: last?.status ?? null,
        attempts: finished.attempts,
      };
    });
    app.get('/webhooks/deliveries/:id', async (request, reply) => {
      const delivery = state.webhooks.get((request.params as { id: string }).id);
      return delivery ?? reply.code(404).send({ error: 'not_found' });
    });
    // Every app's subscriptions, signature keys included (the sandbox's own view, as the Developer Console shows it).
    app.get('/webhooks/subscriptions', async () => state.registry.subscriptions.list());
    // NetSuite concurrency governance per account: limit, in flight, peak, accepted and refused since the last reset.
    app.get('/netsuite/governance', async () => ({ accounts: state.governance.list() }));
    app.delete('/netsuite/governance', async () => {
      state.governance.reset();
      return { reset: true };
    });
    registerAdminDataRoutes(app, state);
    registerAdminEventRoutes(app, state);
  };
}
