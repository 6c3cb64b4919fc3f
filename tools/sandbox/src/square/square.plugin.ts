import type { FastifyInstance } from 'fastify';
import { field } from '../oauth/redirect.js';
import { applyFaults, bearerOf, noteAccount, type SandboxState } from '../sandbox-context.js';
import { registerSquareDataRoutes } from './square-data.routes.js';
import { squareFaultShapes } from './square-errors.js';
import { registerSquareOAuthRoutes } from './square-oauth.routes.js';
import { registerSquareWebhookRoutes } from './square-webhooks.routes.js';
import { registerSquareWriteRoutes } from './square-writes.routes.js';

/** Everything under `/square` (stands for https://connect.squareup.com). */
export function squarePlugin(state: SandboxState) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const facts = request.facts;
      if (!facts) return;
      const version = request.headers['square-version'];
      facts.apiVersion = typeof version === 'string' ? version : null;
      const token = bearerOf(request);
      const refresh = field(request.body, 'refresh_token');
      const account =
        (token ? state.tokens.peek(token)?.account : undefined) ??
        (refresh ? state.tokens.familyOfRefresh(refresh)?.account : undefined) ??
        field(request.body, 'merchant_id');
      noteAccount(request, account);
      if (await applyFaults(state, request, reply, squareFaultShapes)) return reply;
    });
    registerSquareOAuthRoutes(app, state);
    registerSquareDataRoutes(app, state);
    registerSquareWebhookRoutes(app, state);
    registerSquareWriteRoutes(app, state);
  };
}
