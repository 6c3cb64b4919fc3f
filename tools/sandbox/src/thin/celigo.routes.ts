import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../oauth/pkce.js';
import {
  applyFaults,
  bearerOf,
  noteAccount,
  noteAuth,
  type FaultShapes,
  type SandboxState,
} from '../sandbox-context.js';

const shapes: FaultShapes = {
  server: () => ({ errors: [{ code: 'internal_error', message: 'Simulated failure' }] }),
  rateLimited: () => ({ errors: [{ code: 'rate_limited', message: 'Too many requests' }] }),
  cursorExpired: () => ({ status: 400, body: { errors: [{ code: 'invalid_ref', message: 'Invalid page' }] } }),
};

/** Celigo integrator.io (thin): a static bearer API token, registered as an app's clientSecret. */
export function celigoPlugin(state: SandboxState) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.get('/v1/tokenInfo', { config: { provider: 'celigo', endpoint: 'celigo.tokenInfo' } }, (request, reply) => {
      const token = bearerOf(request) ?? '';
      noteAuth(request, 'bearer', token || undefined);
      const match = state.registry.appsOf('celigo').find((a) => token !== '' && safeEqual(token, a.clientSecret));
      if (!match) return reply.code(401).send({ errors: [{ code: 'unauthorized', message: 'Unauthorized' }] });
      noteAccount(request, match.clientId);
      return reply.send({ _userId: match.clientId, scope: '*' });
    });
  };
}
