import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../oauth/pkce.js';
import { field, redirectAllowed, withQuery } from '../oauth/redirect.js';
import type { Family, IssuedTokens, RefreshPolicy } from '../oauth/token-store.js';
import type { AppConfig, ProviderName } from '../registry/registry.js';
import {
  applyFaults,
  bearerOf,
  noteAccount,
  noteAuth,
  type FaultShapes,
  type SandboxState,
  routeConfig,
} from '../sandbox-context.js';

const GENERIC: readonly ProviderName[] = ['oauth2', 'atlassian', 'netsuite'];
const cfg = routeConfig('oauth2');
const shapes: FaultShapes = {
  server: () => ({ error: 'server_error' }),
  rateLimited: () => ({ error: 'rate_limited' }),
  cursorExpired: () => ({ status: 400, body: { error: 'invalid_request' } }),
};

/** RFC 6749 + RFC 7636 authorization server (Atlassian-like and NetSuite-like flows) and Atlassian site discovery. */
export function genericOAuthPlugin(state: SandboxState) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      const token = bearerOf(request);
      const family = token ? state.tokens.peek(token) : undefined;
      if (family && request.facts) request.facts.provider = family.provider;
      noteAccount(request, family?.account);
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.get('/oauth2/authorize', cfg('oauth2.authorize'), (request, reply) => authorize(state, request, reply));
    app.post('/oauth2/token', cfg('oauth2.token'), (request, reply) => token(state, request, reply));
    app.post('/oauth2/revoke', cfg('oauth2.revoke'), (request, reply) => revoke(state, request, reply));
    app.get('/oauth2/userinfo', cfg('oauth2.userinfo'), (request, reply) =>
      withBearer(state, request, reply, (f) => ({
        sub: f.account,
        account_id: f.account,
        name: `Sandbox ${f.account}`,
        email: `${f.account}@example.com`,
      })),
    );
    app.get('/atlassian/oauth/token/accessible-resources', cfg('atlassian.accessibleResources'), (request, reply) =>
      withBearer(state, request, reply, (f) => [
        {
          id: cloudId(f.account),
          name: f.account,
          url: `https://${f.account}.atlassian.net`,
          scopes: f.scopes,
          avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
        },
      ]),
    );
  };
}

/** A stable UUID-shaped cloud id for an Atlassian site. */
export function cloudId(site: string): string {
  const h = createHash('sha256').update(site).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function findApp(state: SandboxState, clientId: string): AppConfig | undefined {
  for (const provider of GENERIC) {
    const app = state.registry.app(provider, clientId);
    if (app) return app;
  }
  return undefined;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

/** The authorize endpoint; `accountFromUrl` names the account when the URL carries it (NetSuite's account host). */
export async function authorize(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  accountFromUrl?: string,
): Promise<FastifyReply> {
  const q = request.query;
  const app = findApp(state, field(q, 'client_id') ?? '');
  const redirectUri = field(q, 'redirect_uri') ?? app?.redirectUris?.[0];
  if (!app || !redirectUri || !redirectAllowed(app.redirectUris, redirectUri)) {
    return reply.code(400).type('text/plain').send('invalid_request: unknown client_id or redirect_uri');
  }
  if (request.facts) request.facts.provider = app.provider;
  const stateParam = field(q, 'state');
  const fail = (error: string, description: string): FastifyReply =>
    reply.redirect(withQuery(redirectUri, { error, error_description: description, state: stateParam }), 302);
  if (field(q, 'response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const method = field(q, 'code_challenge_method') ?? (field(q, 'code_challenge') ? 'plain' : undefined);
  if (method !== undefined && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  const account = accountFromUrl ?? field(q, 'sandbox_account') ?? 'sandbox-site';
  noteAccount(request, account);
  if (state.registry.ensureAccount(app.provider, account).config.deny)
    return fail('access_denied', 'The user denied access');
  const code = state.tokens.issueCode({
    provider: app.provider,
    account,
    clientId: app.clientId,
    redirectUri: field(q, 'redirect_uri') ?? null,
    scopes: (field(q, 'scope') ?? '').split(' ').filter(Boolean),
    codeChallenge: field(q, 'code_challenge') ?? null,
  });
  return reply.redirect(withQuery(redirectUri, { code, state: stateParam }), 302);
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1) or the body. */
function clientCredentials(request: FastifyRequest): { clientId: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  if (basic) {
    const [id = '', ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(id), secret: decodeURIComponent(rest.join(':')) };
  }
  return { clientId: field(request.body, 'client_id') ?? '', secret: field(request.body, 'client_secret') };
}

function tokenBody(issued: IssuedTokens, now: number): object {
  return {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: issued.accessExpiresAt === null ? undefined : Math.round((issued.accessExpiresAt - now) / 1000),
    refresh_token: issued.refreshToken ?? undefined,
    scope: issued.family.scopes.join(' '),
  };
}

// NetSuite: a confidential client keeps one refresh token for a fixed 7 days (not rotated, not echoed on refresh);
// a public (PKCE) client gets single-use refresh tokens that last 3 hours (Oracle help, OAuth 2.0 refresh).
function refreshPolicy(app: AppConfig, confidential: boolean): RefreshPolicy {
  if (app.provider !== 'netsuite') return { rotate: true, ttlMs: (app.refreshTokenTtlSeconds ?? 90 * 86_400) * 1000 };
  const fallback = confidential ? 7 * 86_400 : 3 * 3600;
  return { rotate: !confidential, ttlMs: (app.refreshTokenTtlSeconds ?? fallback) * 1000 };
}

/** The token endpoint (also NetSuite's `/services/rest/auth/oauth2/v1/token`). */
export async function token(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = request.body;
  const grantType = field(body, 'grant_type');
  const { clientId, secret } = clientCredentials(request);
  noteAuth(request, secret ? 'client-secret' : 'public-client', secret ?? clientId);
  if (request.facts) request.facts.grantType = grantType ?? null;
  const app = findApp(state, clientId);
  if (!app || (secret !== undefined && !safeEqual(secret, app.clientSecret)))
    return oauthError(reply, 401, 'invalid_client', 'Client authentication failed');
  if (request.facts) request.facts.provider = app.provider;
  const now = state.now();
  const issueFor = (account: string, scopes: readonly string[], withRefresh: boolean): IssuedTokens => {
    const accountState = state.registry.ensureAccount(app.provider, account);
    return state.tokens.issue({
      provider: app.provider,
      account,
      clientId,
      scopes,
      accessTtlMs: (accountState.config.accessTokenTtlSeconds ?? app.accessTokenTtlSeconds ?? 3600) * 1000,
      refresh: withRefresh ? refreshPolicy(app, secret !== undefined) : null,
      prefixes: { access: 'at_', refresh: 'rt_' },
    });
  };
  if (grantType === 'authorization_code') {
    const redeemed = state.tokens.redeemCode(field(body, 'code') ?? '', {
      clientId,
      redirectUri: field(body, 'redirect_uri'),
      verifier: field(body, 'code_verifier'),
    });
    if (!redeemed.ok)
      return oauthError(reply, 400, 'invalid_grant', `Authorization code is invalid (${redeemed.reason})`);
    if (secret === undefined && redeemed.grant.codeChallenge === null)
      return oauthError(reply, 401, 'invalid_client', 'Client authentication failed');
    noteAccount(request, redeemed.grant.account);
    const issued = issueFor(redeemed.grant.account, redeemed.grant.scopes, true);
    redeemed.link(issued.family);
    return reply.header('cache-control', 'no-store').send(tokenBody(issued, now));
  }
  if (grantType === 'refresh_token') {
    const refresh = field(body, 'refresh_token') ?? '';
    noteAccount(request, state.tokens.familyOfRefresh(refresh)?.account);
    const result = state.tokens.refresh(refresh, clientId);
    if (!result.ok) return oauthError(reply, 400, 'invalid_grant', 'Unknown or invalid refresh token.');
    const sameRefresh = !result.tokens.family.refresh?.rotate && app.provider === 'netsuite';
    const issued = sameRefresh ? { ...result.tokens, refreshToken: null } : result.tokens;
    return reply.header('cache-control', 'no-store').send(tokenBody(issued, now));
  }
  if (grantType === 'client_credentials' && secret !== undefined) {
    const issued = issueFor(`client-${clientId}`, (field(body, 'scope') ?? '').split(' ').filter(Boolean), false);
    return reply.header('cache-control', 'no-store').send(tokenBody(issued, now));
  }
  return oauthError(reply, 400, 'unsupported_grant_type', 'Unsupported grant_type');
}

// RFC 7009: answer 200 whether or not the token was known; a refresh token takes its family down with it.
export async function revoke(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { clientId, secret } = clientCredentials(request);
  noteAuth(request, 'client-secret', secret);
  const app = findApp(state, clientId);
  if (!app || (secret !== undefined && !safeEqual(secret, app.clientSecret)))
    return oauthError(reply, 401, 'invalid_client', 'Client authentication failed');
  const value = field(request.body, 'token') ?? '';
  const family = state.tokens.familyOfRefresh(value);
  if (family?.clientId === clientId) state.tokens.revokeFamily(family.id);
  else if (state.tokens.peek(value)?.clientId === clientId) state.tokens.revokeAccessToken(value);
  return reply.code(200).send({});
}

function withBearer(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  render: (family: Family) => unknown,
): FastifyReply {
  const value = bearerOf(request);
  noteAuth(request, 'bearer', value);
  const peeked = value ? state.tokens.peek(value) : undefined;
  const auth = value && peeked ? state.tokens.authenticate(peeked.provider, value) : undefined;
  if (!auth?.ok) {
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer error="invalid_token"')
      .send({ code: 401, message: 'Unauthorized' });
  }
  return reply.send(render(auth.family));
}
