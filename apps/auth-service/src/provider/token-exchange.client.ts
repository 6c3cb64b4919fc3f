import { Injectable } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { findAuth, type OAuth2AuthSpec, type ResolvedProvider } from '@shelflink/providers';
import { ProviderCallError, retryWithBackoff } from '@shelflink/resilience';
import { Clock } from '@shelflink/runtime';
import { ProviderHttpClient, throwIfTransient, type ProviderResponse } from './provider-http.client.js';
import { ProviderRegistry } from './provider-registry.service.js';
import { parseTokenResponse, readPath, type IssuedTokens } from './token-response.js';

export type { IssuedTokens };

/** The provider said the grant is dead (invalid_grant, 401): the connection needs a new consent; never retried. */
export class GrantRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`Provider rejected the grant (HTTP ${status}, ${reason})`);
    this.name = 'GrantRejectedError';
  }
}

/** Which grant to run against a token endpoint. */
export type TokenGrant =
  | { kind: 'authorization_code'; code: string; redirectUri: string; codeVerifier?: string }
  | { kind: 'refresh_token'; refreshToken: string; pkce: boolean };

/** Token endpoint calls (code exchange, refresh, key + password login); the only place client secrets are used. */
@Injectable()
export class TokenExchangeClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly registry: ProviderRegistry,
    private readonly clock: Clock,
  ) {}

  /** Runs one grant; 5xx, 429 and timeouts retry with full jitter until `deadline` (epoch ms). */
  async oauthGrant(
    provider: string,
    metadata: Record<string, unknown>,
    grant: TokenGrant,
    deadline: number,
  ): Promise<IssuedTokens> {
    const { spec, app } = this.oauthApp(provider);
    const url = this.registry.url(provider, spec.tokenUrl, urlParams(metadata));
    const params = grantParams(spec, app, provider, grant);
    const response = await this.retrying(() => this.http.send(tokenRequest(spec, app, url, params)), deadline);
    const tokens =
      response.status >= 200 && response.status < 300
        ? parseTokenResponse(spec, response.body, this.clock.now())
        : undefined;
    if (tokens) return tokens;
    throw new GrantRejectedError(response.status, oauthErrorCode(response.body));
  }

  /** Plytix-style login: key + password → short-lived token. */
  async keyPasswordLogin(provider: string, apiKey: string, password: string, deadline: number): Promise<IssuedTokens> {
    const spec = findAuth(this.registry.definition(provider), 'key-password-token');
    if (!spec) throw new BusError('INVALID_REQUEST', `${provider} has no key + password login`);
    const json = { [spec.keyField]: apiKey, [spec.passwordField]: password };
    const response = await this.retrying(
      () => this.http.send({ method: 'POST', url: this.registry.url(provider, spec.tokenUrl, {}), json }),
      deadline,
    );
    const token = readPath(response.body, spec.accessTokenPath);
    if (response.status >= 300 || typeof token !== 'string')
      throw new GrantRejectedError(response.status, 'login_failed');
    return {
      accessToken: token,
      tokenType: 'bearer',
      accessExpiresAt: new Date(this.clock.now() + spec.tokenTtlSeconds * 1000),
      refreshExpiresAt: null,
      extras: {},
    };
  }

  oauthApp(provider: string): { spec: OAuth2AuthSpec; app: ResolvedProvider } {
    const definition = this.registry.definition(provider);
    if (definition.auth.length === 0)
      throw new BusError(
        'INVALID_REQUEST',
        `${provider} takes no OAuth: create its connection with POST /api/v1/connections`,
        'VALIDATION_FAILED',
      );
    const spec = findAuth(definition, 'oauth2');
    const app = this.registry.configured(provider);
    if (!spec || !app || app.clientId === undefined)
      throw new BusError('INVALID_REQUEST', `OAuth is not configured for ${provider}`);
    return { spec, app };
  }

  private retrying(call: () => Promise<ProviderResponse>, deadline: number): Promise<ProviderResponse> {
    const remaining = Math.max(0, deadline - this.clock.now());
    return retryWithBackoff(async () => throwIfTransient(await call()), {
      maxAttempts: 5,
      baseDelayMs: 200,
      maxDelayMs: 2_000,
      deadlineMs: remaining,
    }).catch((error: unknown) => {
      if (error instanceof ProviderCallError)
        throw new BusError('PROVIDER_UNAVAILABLE', `Token endpoint unavailable (${error.code})`);
      throw error;
    });
  }
}

function grantParams(
  spec: OAuth2AuthSpec,
  app: ResolvedProvider,
  provider: string,
  grant: TokenGrant,
): Record<string, string> {
  const params: Record<string, string> = { ...(spec.tokenParams ?? {}) };
  if (grant.kind === 'authorization_code') {
    Object.assign(params, { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri });
    if (grant.codeVerifier !== undefined) params.code_verifier = grant.codeVerifier;
  } else {
    Object.assign(params, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
  }
  // Square's PKCE flow is a public client: no secret on the wire.
  const publicClient =
    provider === 'square' && (grant.kind === 'refresh_token' ? grant.pkce : grant.codeVerifier !== undefined);
  if (spec.clientAuth === 'body' || publicClient) {
    params.client_id = app.clientId ?? '';
    if (!publicClient && app.clientSecret) params.client_secret = app.clientSecret.reveal();
  }
  return params;
}

function tokenRequest(spec: OAuth2AuthSpec, app: ResolvedProvider, url: string, params: Record<string, string>) {
  const headers: Record<string, string> = {};
  if (spec.clientAuth === 'basic' && params.client_id === undefined) {
    const basic = `${encodeURIComponent(app.clientId ?? '')}:${encodeURIComponent(app.clientSecret?.reveal() ?? '')}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  return spec.tokenRequestEncoding === 'json'
    ? { method: 'POST' as const, url, headers, json: params }
    : { method: 'POST' as const, url, headers, form: params };
}

function oauthErrorCode(body: unknown): string {
  const error = readPath(body, 'error');
  if (typeof error === 'string' && /^[a-z_]{1,40}$/.test(error)) return error;
  const code = readPath(body, 'errors.0.code');
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'rejected';
}

/** URL placeholders come only from validated connection metadata. */
export function urlParams(metadata: Record<string, unknown>): Record<string, string | undefined> {
  const text = (key: string): string | undefined => {
    const value = metadata[key];
    return typeof value === 'string' ? value : undefined;
  };
  return { shop: text('shop'), accountId: text('accountId'), cloudId: text('cloudId'), region: text('region') };
}
