import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  applyFaults,
  noteAccount,
  noteAuth,
  type FaultShapes,
  type SandboxState,
  routeConfig,
} from '../sandbox-context.js';
import { hash32, stringHash } from '../util/prng.js';
import { hmacSha256Signature, parseOAuthHeader, signatureBaseString, signedOAuthParams } from './oauth1.js';

const cfg = routeConfig('netsuite');
const SKEW_S = 300;
const CUSTOMERS = 25;

const errorBody = (status: number, title: string, detail: string, code: string): object => ({
  type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.${status === 401 ? 2 : status === 429 ? 29 : 1}`,
  title,
  status,
  'o:errorDetails': [{ detail, 'o:errorCode': code }],
});
const INVALID_LOGIN = errorBody(
  401,
  'Unauthorized',
  'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
  'INVALID_LOGIN',
);
const shapes: FaultShapes = {
  server: (status) => errorBody(status, 'Internal Server Error', 'Simulated failure.', 'UNEXPECTED_ERROR'),
  rateLimited: () => errorBody(429, 'Too Many Requests', 'Concurrency limit exceeded.', 'CONCURRENCY_LIMIT_EXCEEDED'),
  cursorExpired: () => ({ status: 400, body: errorBody(400, 'Bad Request', 'Invalid offset.', 'INVALID_PARAMETER') }),
};

const canonicalAccount = (id: string): string => id.toUpperCase().replaceAll('-', '_');

/** NetSuite REST record API behind Token-Based Authentication (OAuth 1.0a, HMAC-SHA256). */
export function netsuitePlugin(state: SandboxState) {
  const nonces = new Map<string, number>();
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const accountId = canonicalAccount((request.params as { accountId: string }).accountId);
      noteAccount(request, accountId);
      if (await applyFaults(state, request, reply, shapes)) return reply;
      if (!verifyTba(state, nonces, request, accountId)) return reply.code(401).send(INVALID_LOGIN);
    });
    app.get('/services/rest/record/v1/customer', cfg('netsuite.customer.list'), (request, reply) =>
      listCustomers(request, reply),
    );
    app.get('/services/rest/record/v1/customer/:id', cfg('netsuite.customer.get'), (request, reply) => {
      const accountId = canonicalAccount((request.params as { accountId: string }).accountId);
      const id = Number((request.params as { id: string }).id);
      if (!Number.isInteger(id) || id < 1 || id > CUSTOMERS)
        return reply.code(404).send(errorBody(404, 'Not Found', 'Record not found.', 'NONEXISTENT_ID'));
      return reply.send(customer(accountId, id, selfUrl(request)));
    });
  };
}

function selfUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url.split('?')[0] ?? ''}`;
}

// The signed URL may be the sandbox URL the client called or the real NetSuite host it stands for; accept either.
function candidateBaseUrls(request: FastifyRequest, accountId: string): string[] {
  const path = request.url.split('?')[0] ?? '';
  const host = String(request.headers.host ?? '').toLowerCase();
  const real = `https://${accountId.toLowerCase().replaceAll('_', '-')}.suitetalk.api.netsuite.com${path.replace(/^\/netsuite\/[^/]+/, '')}`;
  return [`${request.protocol}://${host}${path}`, real];
}

function verifyTba(
  state: SandboxState,
  nonces: Map<string, number>,
  request: FastifyRequest,
  accountId: string,
): boolean {
  const header = parseOAuthHeader(request.headers.authorization);
  noteAuth(request, 'oauth1', header?.get('oauth_token'));
  if (!header) return false;
  const consumerKey = header.get('oauth_consumer_key') ?? '';
  const tokenId = header.get('oauth_token') ?? '';
  const signature = header.get('oauth_signature') ?? '';
  const timestamp = Number(header.get('oauth_timestamp'));
  const nonce = header.get('oauth_nonce') ?? '';
  if (
    canonicalAccount(header.get('realm') ?? '') !== accountId ||
    header.get('oauth_signature_method') !== 'HMAC-SHA256'
  )
    return false;
  if (header.get('oauth_version') !== '1.0' || !/^[A-Za-z0-9]{6,64}$/.test(nonce)) return false;
  const nowS = state.now() / 1000;
  if (!Number.isFinite(timestamp) || Math.abs(nowS - timestamp) > SKEW_S) return false;
  const app = state.registry.app('netsuite', consumerKey);
  const token = state.registry.account('netsuite', accountId)?.config.tbaTokens?.find((t) => t.tokenId === tokenId);
  if (!app || !token) return false;
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  const params = [...signedOAuthParams(header), ...query.entries()];
  const given = Buffer.from(signature, 'base64');
  const ok = candidateBaseUrls(request, accountId).some((url) => {
    const expected = Buffer.from(
      hmacSha256Signature(signatureBaseString(request.method, url, params), app.clientSecret, token.tokenSecret),
      'base64',
    );
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  const nonceKey = `${consumerKey}:${tokenId}:${nonce}:${timestamp}`;
  if (!ok || nonces.has(nonceKey)) return false;
  for (const [key, at] of nonces) if (at < nowS - 2 * SKEW_S) nonces.delete(key);
  nonces.set(nonceKey, timestamp);
  return true;
}

function customer(accountId: string, id: number, base: string): object {
  const h = hash32(stringHash(accountId), id);
  return {
    links: [{ rel: 'self', href: base }],
    id: String(id),
    entityId: `CUST${String(id).padStart(5, '0')}`,
    companyName: `Customer ${id} LLC`,
    email: `customer${id}@example.com`,
    dateCreated: new Date(Date.UTC(2025, 0, 1) + (h % 300) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    lastModifiedDate: new Date(Date.UTC(2025, 10, 1) + (h % 50) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

function listCustomers(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = request.query as Record<string, string>;
  const limit = q.limit === undefined ? 1000 : Number(q.limit);
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
    return reply.code(400).send(errorBody(400, 'Bad Request', 'Invalid limit or offset.', 'INVALID_PARAMETER'));
  }
  const base = selfUrl(request);
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => i + 1).slice(offset, offset + limit);
  const hasMore = offset + limit < CUSTOMERS;
  const links = [{ rel: 'self', href: `${base}?limit=${limit}&offset=${offset}` }];
  if (hasMore) links.push({ rel: 'next', href: `${base}?limit=${limit}&offset=${offset + limit}` });
  return reply.send({
    links,
    count: ids.length,
    hasMore,
    items: ids.map((id) => ({ links: [{ rel: 'self', href: `${base}/${id}` }], id: String(id) })),
    offset,
    totalResults: CUSTOMERS,
  });
}
