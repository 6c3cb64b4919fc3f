import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../oauth/pkce.js';
import { field, redirectAllowed, withQuery } from '../oauth/redirect.js';
import type { IssuedTokens } from '../oauth/token-store.js';
import { noteAccount, noteAuth, type SandboxState, routeConfig } from '../sandbox-context.js';

const cfg = routeConfig('shopify');
const HOUR_S = 3600;
const REFRESH_S = 7_776_000;
const OFFLINE_URN = 'urn:shopify:params:oauth:token-type:offline-access-token';
const PREFIXES = { access: 'shpat_', refresh: 'shprt_' };

/** Shopify OAuth: authorize (signed callback) and the access_token endpoint (code, refresh, client credentials, migration). */
export function registerShopifyOAuthRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/admin/oauth/authorize', cfg('shopify.oauth.authorize'), (request, reply) =>
    authorize(state, request, reply),
  );
  app.post('/admin/oauth/access_token', cfg('shopify.oauth.token'), (request, reply) =>
    accessToken(state, request, reply),
  );
}

/**
 * The callback query exactly as Shopify signs it: params sorted by key, URLSearchParams encoding with `%20` for
 * spaces, hex HMAC-SHA256 with the app's client secret, then `hmac` added.
 */
export function signedCallbackQuery(params: Record<string, string>, secret: string): string {
  const sorted = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const message = new URLSearchParams(sorted).toString().replaceAll('+', '%20');
  const hmac = createHmac('sha256', secret).update(message).digest('hex');
  return new URLSearchParams([...sorted, ['hmac', hmac]].sort(([a], [b]) => (a! < b! ? -1 : 1)) as [string, string][])
    .toString()
    .replaceAll('+', '%20');
}

async function authorize(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const shop = (request.params as { shop: string }).shop;
  const q = request.query;
  const clientId = field(q, 'client_id') ?? '';
  const app = state.registry.app('shopify', clientId);
  const redirectUri = field(q, 'redirect_uri') ?? app?.redirectUris?.[0];
  if (!app || !redirectUri || !redirectAllowed(app.redirectUris, redirectUri)) {
    return reply
      .code(400)
      .type('text/plain')
      .send('Oauth error invalid_request: The redirect_uri and application url must have matching hosts');
  }
  const scopes = (field(q, 'scope') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.some((s) => !/^(unauthenticated_)?(read|write)_[a-z_]+$/.test(s))) {
    return reply
      .code(400)
      .type('text/plain')
      .send('Oauth error invalid_scope: scope must be a comma-separated list of access scopes');
  }
  const account = state.registry.ensureAccount('shopify', shop);
  noteAccount(request, shop);
  const stateParam = field(q, 'state');
  if (account.config.deny) {
    return reply.redirect(
      withQuery(redirectUri, {
        error: 'access_denied',
        error_description: 'The merchant declined the installation',
        state: stateParam,
      }),
      302,
    );
  }
  const online = field(q, 'grant_options[]') === 'per-user';
  const code = state.tokens.issueCode({
    provider: 'shopify',
    account: shop,
    clientId,
    redirectUri: null,
    scopes,
    codeChallenge: null,
    extra: { online },
  });
  const params: Record<string, string> = {
    code,
    host: Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, '')}`).toString('base64url'),
    shop,
    timestamp: String(Math.floor(state.now() / 1000)),
  };
  if (stateParam !== undefined) params.state = stateParam;
  const separator = redirectUri.includes('?') ? '&' : '?';
  return reply.redirect(`${redirectUri}${separator}${signedCallbackQuery(params, app.clientSecret)}`, 302);
}

const oauthError = (reply: FastifyReply, status: number, error: string, description: string): FastifyReply =>
  reply.code(status).send({ error, error_description: description });

async function accessToken(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const shop = (request.params as { shop: string }).shop;
  const body = request.body;
  const clientId = field(body, 'client_id') ?? '';
  const secret = field(body, 'client_secret');
  const grantType = field(body, 'grant_type') ?? 'authorization_code';
  if (request.facts) request.facts.grantType = grantType;
  noteAuth(request, 'client-secret', secret);
  const app = state.registry.app('shopify', clientId);
  if (!app || !secret || !safeEqual(secret, app.clientSecret))
    return oauthError(reply, 400, 'invalid_client', 'Client authentication failed.');
  switch (grantType) {
    case 'authorization_code':
      return exchangeCode(state, request, reply, shop);
    case 'refresh_token': {
      const result = state.tokens.refresh(field(body, 'refresh_token') ?? '', clientId);
      if (!result.ok || result.tokens.family.account !== shop)
        return oauthError(reply, 400, 'invalid_grant', 'The refresh token is invalid, expired or revoked.');
      return reply.send(expiringBody(result.tokens, state.now()));
    }
    case 'client_credentials': {
      const issued = issueFor(state, shop, clientId, [], { expiring: false, ttlS: HOUR_S });
      return reply.send({ access_token: issued.accessToken, scope: '', expires_in: HOUR_S });
    }
    case 'urn:ietf:params:oauth:grant-type:token-exchange':
      return migrate(state, request, reply, shop);
    default:
      return oauthError(reply, 400, 'unsupported_grant_type', 'Unsupported grant_type.');
  }
}

function truthy(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

function issueFor(
  state: SandboxState,
  shop: string,
  clientId: string,
  scopes: readonly string[],
  mode: { expiring: boolean; ttlS: number | null },
): IssuedTokens {
  const app = state.registry.app('shopify', clientId);
  const account = state.registry.ensureAccount('shopify', shop);
  const ttl =
    mode.ttlS === null
      ? null
      : (account.config.accessTokenTtlSeconds ?? app?.accessTokenTtlSeconds ?? mode.ttlS) * 1000;
  return state.tokens.issue({
    provider: 'shopify',
    account: shop,
    clientId,
    scopes,
    accessTtlMs: ttl,
    refresh: mode.expiring ? { rotate: true, ttlMs: (app?.refreshTokenTtlSeconds ?? REFRESH_S) * 1000 } : null,
    prefixes: PREFIXES,
  });
}

function expiringBody(issued: IssuedTokens, now: number): object {
  return {
    access_token: issued.accessToken,
    scope: issued.family.scopes.join(','),
    expires_in:
      issued.accessExpiresAt === null ? undefined : Math.round((issued.accessExpiresAt - now) / 1000) || HOUR_S,
    refresh_token: issued.refreshToken ?? undefined,
    refresh_token_expires_in:
      issued.refreshExpiresAt === null ? undefined : Math.round((issued.refreshExpiresAt - now) / 1000) || REFRESH_S,
  };
}

async function exchangeCode(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  shop: string,
): Promise<FastifyReply> {
  const body = request.body;
  const clientId = field(body, 'client_id') ?? '';
  const redeemed = state.tokens.redeemCode(field(body, 'code') ?? '', { clientId });
  if (!redeemed.ok || redeemed.grant.account !== shop) {
    return oauthError(reply, 400, 'invalid_request', 'The authorization code was not found or was already used');
  }
  const scopes = redeemed.grant.scopes;
  if (redeemed.grant.extra?.online === true) {
    const issued = issueFor(state, shop, clientId, scopes, { expiring: false, ttlS: 86_399 });
    redeemed.link(issued.family);
    return reply.send({
      access_token: issued.accessToken,
      scope: scopes.join(','),
      expires_in: 86_399,
      associated_user_scope: scopes.join(','),
      associated_user: {
        id: 902541635,
        first_name: 'Sandbox',
        last_name: 'User',
        email: 'user@example.com',
        email_verified: true,
        account_owner: true,
        locale: 'en',
        collaborator: false,
      },
    });
  }
  const expiring = truthy(field(body, 'expiring'));
  const issued = issueFor(state, shop, clientId, scopes, { expiring, ttlS: expiring ? HOUR_S : null });
  redeemed.link(issued.family);
  return reply.send(
    expiring ? expiringBody(issued, state.now()) : { access_token: issued.accessToken, scope: scopes.join(',') },
  );
}

// Migration of a non-expiring offline token to an expiring pair; the old token stops working.
async function migrate(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  shop: string,
): Promise<FastifyReply> {
  const body = request.body;
  const subject = field(body, 'subject_token') ?? '';
  const auth = state.tokens.authenticate('shopify', subject);
  const okTypes =
    field(body, 'subject_token_type') === OFFLINE_URN && field(body, 'requested_token_type') === OFFLINE_URN;
  if (!auth.ok || auth.family.account !== shop || !okTypes || auth.family.refresh !== null) {
    return oauthError(
      reply,
      400,
      'invalid_subject_token',
      'The subject token is not a valid non-expiring offline token.',
    );
  }
  state.tokens.revokeFamily(auth.family.id);
  const issued = issueFor(state, shop, auth.family.clientId, auth.family.scopes, { expiring: true, ttlS: HOUR_S });
  return reply.send(expiringBody(issued, state.now()));
}
