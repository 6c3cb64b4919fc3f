import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, revoke, token } from '../generic/generic-oauth.routes.js';
import { applyFaults, noteAccount, routeConfig, type FaultShapes, type SandboxState } from '../sandbox-context.js';
import { NetSuiteAuth } from './netsuite-auth.js';
import {
  CONCURRENCY_REFUSED,
  INVALID_LOGIN,
  canonicalAccount,
  invalidParameter,
  netsuiteError,
  notFound,
} from './netsuite-errors.js';
import { RECORD_TYPES } from './netsuite-records.js';
import type { NetSuiteData } from './netsuite-tables.js';
import { MAX_PAGES, MAX_RESULTS, runSuiteQl } from './suiteql.js';
import { SuiteQlError } from './suiteql-parse.js';

const cfg = routeConfig('netsuite');
const TIER1_CONCURRENCY = 15;
const shapes: FaultShapes = {
  server: (status) => netsuiteError(status, 'Internal Server Error', 'Simulated failure.', 'UNEXPECTED_ERROR'),
  rateLimited: () => CONCURRENCY_REFUSED,
  cursorExpired: () => ({ status: 400, body: invalidParameter('Invalid offset.') }),
};

const accountOf = (request: FastifyRequest): string =>
  canonicalAccount((request.params as { accountId: string }).accountId);

/** NetSuite under `/netsuite/{accountId}` (stands for the account's app and suitetalk hosts). */
export function netsuitePlugin(state: SandboxState) {
  const auth = new NetSuiteAuth(state);
  const admitted = new WeakSet<FastifyRequest>();
  const leave = async (request: FastifyRequest): Promise<void> => {
    if (admitted.delete(request)) state.governance.leave(accountOf(request));
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      noteAccount(request, accountOf(request));
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    // OAuth 2.0 on the account's own hosts; not governed (no web services request yet).
    app.get('/app/login/oauth2/authorize.nl', cfg('oauth2.authorize'), (request, reply) =>
      authorize(state, request, reply, accountOf(request)),
    );
    app.post('/services/rest/auth/oauth2/v1/token', cfg('oauth2.token'), (request, reply) =>
      token(state, request, reply),
    );
    app.post('/services/rest/auth/oauth2/v1/revoke', cfg('oauth2.revoke'), (request, reply) =>
      revoke(state, request, reply),
    );
    await app.register(async (api) => {
      // Concurrency governance per account: a request over the limit is refused before anything else.
      api.addHook('onRequest', async (request, reply) => {
        const account = accountOf(request);
        noteAccount(request, account);
        const limit = state.registry.ensureAccount('netsuite', account).config.concurrencyLimit ?? TIER1_CONCURRENCY;
        if (!state.governance.enter(account, limit)) return reply.code(429).send(CONCURRENCY_REFUSED);
        admitted.add(request);
      });
      api.addHook('onResponse', leave);
      api.addHook('onRequestAbort', leave);
      api.addHook('preHandler', async (request, reply) => {
        if (!auth.verify(request, accountOf(request))) return reply.code(401).send(INVALID_LOGIN);
      });
      api.post('/services/rest/query/v1/suiteql', cfg('netsuite.suiteql'), (request, reply) =>
        suiteql(state, request, reply),
      );
      api.get('/services/rest/record/v1/:type', cfg('netsuite.record.list'), (request, reply) =>
        listRecords(state, request, reply),
      );
      api.get('/services/rest/record/v1/:type/:id', cfg('netsuite.record.get'), (request, reply) =>
        getRecord(state, request, reply),
      );
    });
  };
}

function dataOf(state: SandboxState, request: FastifyRequest): NetSuiteData {
  const account = state.registry.ensureAccount('netsuite', accountOf(request));
  return { data: state.registry.dataset(account), seed: state.registry.options.seed };
}

function selfUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url.split('?')[0] ?? ''}`;
}

function paging(request: FastifyRequest): { limit: number; offset: number } | undefined {
  const q = request.query as Record<string, string | undefined>;
  const limit = q.limit === undefined ? 1000 : Number(q.limit);
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  const ok = Number.isInteger(limit) && limit >= 1 && limit <= 1000 && Number.isInteger(offset) && offset >= 0;
  return ok ? { limit, offset } : undefined;
}

// The collection envelope shared by SuiteQL and record lists: links (first, previous, next, last, self), hasMore.
function collection(
  request: FastifyRequest,
  page: { limit: number; offset: number },
  items: object[],
  total: number,
): object {
  const base = selfUrl(request);
  const reachable = Math.min(total, MAX_RESULTS, MAX_PAGES * page.limit);
  const at = (offset: number): string => `${base}?limit=${page.limit}&offset=${offset}`;
  const hasMore = page.offset + items.length < reachable;
  const lastOffset = Math.max(0, Math.floor((reachable - 1) / page.limit) * page.limit);
  const links = [
    { rel: 'first', href: at(0) },
    ...(page.offset > 0 ? [{ rel: 'previous', href: at(Math.max(0, page.offset - page.limit)) }] : []),
    ...(hasMore ? [{ rel: 'next', href: at(page.offset + page.limit) }] : []),
    { rel: 'last', href: at(lastOffset) },
    { rel: 'self', href: at(page.offset) },
  ];
  return { links, count: items.length, hasMore, items, offset: page.offset, totalResults: total };
}

function suiteql(state: SandboxState, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const prefer = String(request.headers.prefer ?? '');
  if (!/\btransient\b/i.test(prefer))
    return reply.code(400).send(invalidParameter('The request header Prefer: transient is required for SuiteQL.'));
  const page = paging(request);
  if (!page)
    return reply.code(400).send(invalidParameter('limit must be 1 to 1000 and offset a non-negative integer.'));
  const q = (request.body as { q?: unknown } | undefined)?.q;
  if (typeof q !== 'string' || q.trim() === '')
    return reply.code(400).send(invalidParameter('The request body must have a query q.'));
  try {
    const result = runSuiteQl(dataOf(state, request), q, page.limit, page.offset);
    const items = result.rows.map((row) => ({ links: [], ...row }));
    return reply.send(collection(request, page, items, result.total));
  } catch (error) {
    if (!(error instanceof SuiteQlError)) throw error;
    return reply
      .code(400)
      .send(invalidParameter(`Invalid search query. Detailed unprocessed description follows. ${error.message}`));
  }
}

function listRecords(state: SandboxState, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const type = RECORD_TYPES[(request.params as { type: string }).type];
  if (!type) return reply.code(404).send(notFound('Record type was not found.'));
  const page = paging(request);
  if (!page || page.offset >= MAX_RESULTS) return reply.code(400).send(invalidParameter('Invalid limit or offset.'));
  const ids = type.ids(dataOf(state, request));
  const base = selfUrl(request);
  const items = [];
  for (let n = page.offset; n < Math.min(ids.count, page.offset + page.limit); n++)
    items.push({ links: [{ rel: 'self', href: `${base}/${ids.idAt(n)}` }], id: String(ids.idAt(n)) });
  return reply.send(collection(request, page, items, ids.count));
}

function getRecord(state: SandboxState, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const params = request.params as { type: string; id: string };
  const type = RECORD_TYPES[params.type];
  const id = Number(params.id);
  const ns = dataOf(state, request);
  if (!type || !Number.isInteger(id) || !type.has(ns, id))
    return reply.code(404).send(notFound(`The record instance does not exist. Provide a valid record instance ID.`));
  const expand = (request.query as Record<string, string | undefined>).expandSubResources === 'true';
  return reply.send(type.render(ns, id, selfUrl(request), expand));
}
