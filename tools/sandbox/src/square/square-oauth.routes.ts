import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedTokens } from '../oauth/token-store.js';
import { field, redirectAllowed, withQuery } from '../oauth/redirect.js';
import { safeEqual } from '../oauth/pkce.js';
import { bearerOf, noteAccount, noteAuth, type SandboxState, routeConfig } from '../sandbox-context.js';
import { stringHash } from '../util/prng.js';
import { isoUtc } from '../util/time.js';
import { emitSquare } from '../webhooks/dispatch.js';
import { invalidRequest, squareError } from './square-errors.js';

const DAY_MS = 86_400_000;
const cfg = routeConfig('square');
const unauthorized = (detail: string): object => squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', detail);

/** Square OAuth: authorize (code and PKCE), token, revoke, token status. */
export function registerSquareOAuthRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/oauth2/authorize', cfg('square.oauth.authorize'), (request, reply) => authorize(state, request, reply));
  app.post('/oauth2/token', cfg('square.oauth.token'), (request, reply) => token(state, request, reply));
  app.post('/oauth2/revoke', cfg('square.oauth.revoke'), (request, reply) => revoke(state, request, reply));
  app.post('/oauth2/token/status', cfg('square.oauth.status'), (request, reply) => status(state, request, reply));
}

function defaultMerchant(state: SandboxState, clientId: string): string {
  const first = state.registry.listAccounts('square')[0];
  return first?.config.account ?? `MLSANDBOX${(stringHash(clientId) % 1e6).toString().padStart(6, '0')}`;
}

async function authorize(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const q = request.query;
  const clientId = field(q, 'client_id') ?? '';
  const app = state.registry.app('square', clientId);
  const redirectUri = field(q, 'redirect_uri') ?? app?.redirectUris?.[0];
  if (!app || !redirectUri || !redirectAllowed(app.redirectUris, redirectUri)) {
    return reply.code(400).type('text/plain').send('Square OAuth error: unknown client_id or redirect_uri.');
  }
  const merchant = field(q, 'sandbox_account') ?? defaultMerchant(state, clientId);
  noteAccount(request, merchant);
  const account = state.registry.ensureAccount('square', merchant);
  const stateParam = field(q, 'state');
  const fail = (error: string, description: string): FastifyReply =>
    reply.redirect(withQuery(redirectUri, { error, error_description: description, state: stateParam }), 302);
  if (account.config.deny) return fail('access_denied', 'user_denied');
  const method = field(q, 'code_challenge_method');
  const challenge = field(q, 'code_challenge');
  if (method !== undefined && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  const scopes = (field(q, 'scope') ?? '').split(' ').filter(Boolean);
  if (scopes.some((s) => !/^[A-Z_]+$/.test(s)))
    return fail('invalid_scope', 'scope must be space-separated permission names');
  const code = state.tokens.issueCode({
    provider: 'square',
    account: merchant,
    clientId,
    redirectUri: field(q, 'redirect_uri') ?? null,
    scopes,
    codeChallenge: challenge ?? null,
  });
  return reply.redirect(withQuery(redirectUri, { code, response_type: 'code', state: stateParam }), 302);
}

function tokenBody(issued: IssuedTokens, pkce: boolean): object {
  return {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_at: issued.accessExpiresAt === null ? undefined : isoUtc(issued.accessExpiresAt),
    merchant_id: issued.family.account,
    refresh_token: issued.refreshToken ?? undefined,
    short_lived: issued.family.meta?.shortLived === true,
    ...(pkce && issued.refreshExpiresAt !== null ? { refresh_token_expires_at: isoUtc(issued.refreshExpiresAt) } : {}),
  };
}

async function token(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    return reply.code(400).send(invalidRequest('INVALID_CONTENT_TYPE', 'Content-Type must be application/json.'));
  }
  const body = request.body;
  const grantType = field(body, 'grant_type');
  const clientId = field(body, 'client_id') ?? '';
  const secret = field(body, 'client_secret');
  if (request.facts) request.facts.grantType = grantType ?? null;
  noteAuth(request, secret ? 'client-secret' : 'public-client', secret ?? clientId);
  const app = state.registry.app('square', clientId);
  if (!app) return reply.code(401).send(unauthorized('Unknown client_id.'));
  if (secret !== undefined && !safeEqual(secret, app.clientSecret))
    return reply.code(401).send(unauthorized('Invalid client_secret.'));
  if (grantType === 'authorization_code') return exchangeCode(state, request, reply, secret !== undefined);
  if (grantType === 'refresh_token') return refreshGrant(state, request, reply, secret !== undefined);
  return reply.code(400).send(invalidRequest('INVALID_VALUE', 'Unsupported grant_type.', 'grant_type'));
}

async function exchangeCode(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  hasSecret: boolean,
): Promise<FastifyReply> {
  const body = request.body;
  const clientId = field(body, 'client_id') ?? '';
  const verifier = field(body, 'code_verifier');
  if (!hasSecret && !verifier) {
    return reply
      .code(400)
      .send(
        invalidRequest('MISSING_REQUIRED_PARAMETER', 'client_secret or code_verifier is required.', 'client_secret'),
      );
  }
  const redeemed = state.tokens.redeemCode(field(body, 'code') ?? '', {
    clientId,
    redirectUri: field(body, 'redirect_uri'),
    verifier,
  });
  if (!redeemed.ok) return reply.code(401).send(unauthorized(`Authorization code rejected (${redeemed.reason}).`));
  const pkce = redeemed.grant.codeChallenge !== null;
  if (!pkce && !hasSecret) return reply.code(401).send(unauthorized('client_secret is required for this code.'));
  noteAccount(request, redeemed.grant.account);
  const app = state.registry.app('square', clientId);
  const account = state.registry.ensureAccount('square', redeemed.grant.account);
  const shortLived = (body as Record<string, unknown>).short_lived === true;
  const ttlSeconds = account.config.accessTokenTtlSeconds ?? app?.accessTokenTtlSeconds;
  const issued = state.tokens.issue({
    provider: 'square',
    account: redeemed.grant.account,
    clientId,
    scopes: redeemed.grant.scopes,
    accessTtlMs: shortLived ? DAY_MS : ttlSeconds !== undefined ? ttlSeconds * 1000 : 30 * DAY_MS,
    refresh: pkce
      ? { rotate: true, ttlMs: (app?.refreshTokenTtlSeconds ?? 90 * 86_400) * 1000 }
      : { rotate: false, ttlMs: null },
    prefixes: { access: 'EAAAl', refresh: 'EQAAl' },
    meta: { shortLived, pkce },
  });
  redeemed.link(issued.family);
  return reply.send(tokenBody(issued, pkce));
}

async function refreshGrant(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  hasSecret: boolean,
): Promise<FastifyReply> {
  const body = request.body;
  const refreshToken = field(body, 'refresh_token') ?? '';
  const family = state.tokens.familyOfRefresh(refreshToken);
  noteAccount(request, family?.account);
  const pkce = family?.meta?.pkce === true;
  if (family && !pkce && !hasSecret) return reply.code(401).send(unauthorized('client_secret is required.'));
  const result = state.tokens.refresh(refreshToken, field(body, 'client_id') ?? '');
  if (!result.ok) return reply.code(401).send(unauthorized(`Refresh token rejected (${result.reason}).`));
  return reply.send(tokenBody(result.tokens, pkce));
}

async function revoke(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const header = String(request.headers.authorization ?? '');
  const secret = /^Client\s+(\S+)$/.exec(header)?.[1];
  noteAuth(request, 'client-secret', secret);
  const body = request.body;
  const clientId = field(body, 'client_id') ?? '';
  const app = state.registry.app('square', clientId);
  if (!app || !secret || !safeEqual(secret, app.clientSecret))
    return reply.code(401).send(unauthorized('Invalid client credentials.'));
  const accessToken = field(body, 'access_token');
  const merchant = field(body, 'merchant_id') ?? (accessToken ? state.tokens.peek(accessToken)?.account : undefined);
  noteAccount(request, merchant);
  if (!merchant) return reply.code(404).send(invalidRequest('NOT_FOUND', 'No authorization found.'));
  if ((body as Record<string, unknown>).revoke_only_access_token === true && accessToken)
    state.tokens.revokeAccessToken(accessToken);
  else revokeGrant(state, merchant, 'APPLICATION', clientId);
  return reply.send({ success: true });
}

/** Revokes the merchant's grant to the app(s) and tells their subscriptions (`oauth.authorization.revoked`). */
export function revokeGrant(
  state: SandboxState,
  merchant: string,
  revokerType: 'APPLICATION' | 'MERCHANT',
  clientId?: string,
): number {
  const apps = clientId ? [clientId] : [...state.tokens.grantsOf('square', merchant).keys()];
  const revoked = state.tokens.revokeAccount('square', merchant, clientId);
  if (revoked === 0) return 0;
  emitSquare(state, {
    merchant,
    type: 'oauth.authorization.revoked',
    dataType: 'revocation',
    objectId: randomUUID(),
    object: { revocation: { revoked_at: isoUtc(state.now()), revoker_type: revokerType } },
    clientIds: apps,
  });
  return revoked;
}

async function status(state: SandboxState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const tokenValue = bearerOf(request);
  noteAuth(request, 'bearer', tokenValue);
  const result = tokenValue ? state.tokens.authenticate('square', tokenValue) : undefined;
  if (!tokenValue || !result || !result.ok) {
    const reason = result && !result.ok ? result.reason : undefined;
    const code =
      reason === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : reason === 'revoked' ? 'ACCESS_TOKEN_REVOKED' : 'UNAUTHORIZED';
    return reply.code(401).send(squareError('AUTHENTICATION_ERROR', code, 'This request could not be authorized.'));
  }
  const expiresAt = state.tokens.accessExpiry(tokenValue);
  return reply.send({
    scopes: result.family.scopes,
    expires_at: expiresAt === null ? undefined : isoUtc(expiresAt),
    client_id: result.family.clientId,
    merchant_id: result.family.account,
  });
}
