import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../oauth/pkce.js';
import {
  applyFaults,
  bearerOf,
  noteAccount,
  noteAuth,
  routeConfig,
  type FaultShapes,
  type SandboxState,
} from '../sandbox-context.js';
import { objectId } from '../util/ids.js';
import { CELIGO_SIZES, CeligoAccount } from './celigo-data.js';

const cfg = routeConfig('celigo');
const celigoError = (code: string, message: string): object => ({ errors: [{ code, message }] });
const shapes: FaultShapes = {
  server: () => celigoError('internal_error', 'Simulated failure'),
  rateLimited: () => celigoError('rate_limited', 'Too many requests'),
  cursorExpired: () => ({ status: 400, body: celigoError('invalid_query_params', 'Invalid page') }),
};

type Handler = (account: CeligoAccount, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/** Celigo integrator.io under `/celigo` (stands for https://api.integrator.io): a static bearer API token. */
export function celigoPlugin(state: SandboxState) {
  const authed =
    (handler: Handler) =>
    (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const token = bearerOf(request) ?? '';
      noteAuth(request, 'bearer', token || undefined);
      const app = state.registry.appsOf('celigo').find((a) => token !== '' && safeEqual(token, a.clientSecret));
      if (!app) return reply.code(401).send(celigoError('unauthorized', 'Unauthorized'));
      noteAccount(request, app.clientId);
      const account = state.registry.ensureAccount('celigo', app.clientId);
      const now = state.now();
      // The account's leaky bucket: 1,000 requests, refilled at 300 per second.
      if (!account.bucket.take(now).ok) {
        if (request.facts) request.facts.retryAfterUntil = now + 1000;
        return reply.code(429).header('retry-after', '1').send(shapes.rateLimited());
      }
      return handler(new CeligoAccount(account.tag, state.registry.options.anchor), request, reply);
    };
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const token = bearerOf(request) ?? '';
      const match = state.registry.appsOf('celigo').find((a) => token !== '' && safeEqual(token, a.clientSecret));
      noteAccount(request, match?.clientId);
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.get(
      '/v1/tokenInfo',
      cfg('celigo.tokenInfo'),
      authed((_a, request, reply) => reply.send({ _userId: request.facts?.account, scope: '*' })),
    );
    app.get(
      '/v1/integrations',
      cfg('celigo.integrations'),
      authed((a, request, reply) =>
        paged(request, reply, CELIGO_SIZES.integrations, (i) => ({
          _id: objectId(a.tag, 1, i),
          name: `Integration ${i + 1}`,
        })),
      ),
    );
    app.get(
      '/v1/flows',
      cfg('celigo.flows'),
      authed((a, request, reply) => paged(request, reply, CELIGO_SIZES.flows, (f) => a.flow(f))),
    );
    app.get(
      '/v1/flows/:flowId',
      cfg('celigo.flow'),
      authed((a, request, reply) => {
        const f = a.flowIndex((request.params as { flowId: string }).flowId);
        return f === undefined
          ? reply.code(404).send(celigoError('not_found', 'Flow not found'))
          : reply.send(a.flow(f));
      }),
    );
    app.get(
      '/v1/jobs',
      cfg('celigo.jobs'),
      authed((a, request, reply) => jobs(a, request, reply)),
    );
    app.get(
      '/v1/flows/:flowId/:stepId/errors',
      cfg('celigo.errors'),
      authed((a, request, reply) => errors(a, request, reply)),
    );
  };
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}

function intParam(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : NaN;
}

// Lists page with skip/limit and say where the next page is in an RFC 8288 Link header; an empty list is a 204.
function paged(
  request: FastifyRequest,
  reply: FastifyReply,
  total: number,
  render: (index: number) => unknown,
  pick: (index: number) => number = (i) => i,
): FastifyReply {
  const q = request.query as Record<string, string | undefined>;
  const skip = intParam(q.skip, 0);
  const limit = intParam(q.limit, 100);
  if (!(skip >= 0) || !(limit >= 1 && limit <= 1000))
    return reply.code(400).send(celigoError('invalid_query_params', 'skip must be >= 0 and limit between 1 and 1000'));
  if (total === 0) return reply.code(204).send();
  const items = [];
  for (let n = skip; n < Math.min(total, skip + limit); n++) items.push(render(pick(n)));
  if (skip + limit < total) {
    const next = new URL(`${origin(request)}${request.url}`);
    next.searchParams.set('skip', String(skip + limit));
    next.searchParams.set('limit', String(limit));
    void reply.header('link', `<${next.toString()}>; rel="next"`);
  }
  return reply.send(items);
}

function timeBounds(q: Record<string, string | undefined>, field: string): { min: number; max: number } | undefined {
  const parse = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Date.parse(v));
  const min = parse(q[`${field}_gte`], -Infinity);
  const max = parse(q[`${field}_lte`], Infinity);
  return Number.isNaN(min) || Number.isNaN(max) ? undefined : { min, max };
}

function jobs(a: CeligoAccount, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = request.query as Record<string, string | undefined>;
  if (!q._flowId && !q._integrationId && !q._jobId)
    return reply
      .code(400)
      .send(celigoError('missing_required_field', 'One of _flowId, _integrationId or _jobId is required'));
  const bounds = timeBounds(q, 'createdAt');
  if (!bounds) return reply.code(400).send(celigoError('invalid_query_params', 'createdAt_gte/lte must be ISO 8601'));
  const matching: number[] = [];
  for (let f = 0; f < CELIGO_SIZES.flows; f++) {
    // Flow-level filters first, so only the named flows' jobs are rendered.
    if (q._flowId && objectId(a.tag, 2, f) !== q._flowId) continue;
    if (q._integrationId && objectId(a.tag, 1, f % CELIGO_SIZES.integrations) !== q._integrationId) continue;
    for (let i = f * CELIGO_SIZES.jobsPerFlow; i < (f + 1) * CELIGO_SIZES.jobsPerFlow; i++) {
      const at = a.jobCreatedAt(i);
      if (at < bounds.min || at > bounds.max) continue;
      if (q._jobId && objectId(a.tag, 5, i) !== q._jobId) continue;
      if (!q.status || a.job(i).status === q.status) matching.push(i);
    }
  }
  // Newest first (a sandbox choice).
  matching.sort((x, y) => a.jobCreatedAt(y) - a.jobCreatedAt(x) || y - x);
  return paged(
    request,
    reply,
    matching.length,
    (i) => a.job(i),
    (n) => matching[n] ?? 0,
  );
}

const ERRORS_PAGE = 100;

// Open errors of one export or import step; pages are linked by `nextPageURL` in the body.
function errors(a: CeligoAccount, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { flowId, stepId } = request.params as { flowId: string; stepId: string };
  const flow = a.flowIndex(flowId);
  const step = flow === undefined ? undefined : a.stepOf(flow, stepId);
  if (flow === undefined || step === undefined)
    return reply.code(404).send(celigoError('not_found', 'Resource not found'));
  const q = request.query as Record<string, string | undefined>;
  const bounds = timeBounds(q, 'occurredAt');
  const from = intParam(q.pageToken, 0);
  if (!bounds || !(from >= 0)) return reply.code(400).send(celigoError('invalid_query_params', 'Invalid query'));
  const page: unknown[] = [];
  let e = from;
  for (; e < a.errorCount(flow, step) && page.length < ERRORS_PAGE; e++) {
    const at = a.errorOccurredAt(flow, step, e);
    if (at >= bounds.min && at <= bounds.max) page.push(a.error(flow, step, e));
  }
  const more = e < a.errorCount(flow, step);
  if (!more) return reply.send({ errors: page });
  const next = new URL(`${origin(request)}${request.url}`);
  next.searchParams.set('pageToken', String(e));
  return reply.send({ errors: page, nextPageURL: next.toString() });
}
