import { Injectable } from '@nestjs/common';
import {
  BusError,
  type connectSessionCreateRequest,
  type ErrorReason,
  type oauthCallbackResponse,
} from '@shelflink/contracts';
import { createPkcePair, randomToken } from '@shelflink/crypto';
import { connectionAccountKey, verifyShopifyCallbackHmac, SHOP_PART } from '@shelflink/providers';
import { Clock } from '@shelflink/runtime';
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { withProviderCall } from '../call-log/call-log.service.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuthConfig } from '../config/auth.config.js';
import { ConnectionRepository } from '../connection/connection.repository.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { TokenExchangeClient, urlParams } from '../provider/token-exchange.client.js';
import type { IssuedTokens } from '../provider/token-exchange.client.js';
import { VaultService } from '../vault/vault.service.js';
import { OAuthStateRepository, type OAuthStateRecord } from './oauth-state.repository.js';
import { PostConnectClient } from './post-connect.client.js';
import { ReturnUrlsService } from '../tenant/return-urls.service.js';

type SessionRequest = z.output<typeof connectSessionCreateRequest>;
type CallbackResult = z.output<typeof oauthCallbackResponse>;

/** A refused callback or install: its stable reason travels as a field; the gateway turns it into the HTTP error code. */
export function rejected(
  reason: Extract<ErrorReason, `OAUTH_${string}` | `INSTALL_${string}`>,
  message: string,
): BusError {
  return new BusError('INVALID_REQUEST', message, reason);
}

/** OAuth 2.0 connect: random single-use state bound to tenant/provider/alias, PKCE S256, code exchange, storage. */
@Injectable()
export class OAuthService {
  constructor(
    private readonly config: AuthConfig,
    private readonly registry: ProviderRegistry,
    private readonly states: OAuthStateRepository,
    private readonly exchange: TokenExchangeClient,
    private readonly connections: ConnectionRepository,
    private readonly vault: VaultService,
    private readonly postConnect: PostConnectClient,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly returnUrls: ReturnUrlsService,
  ) {}

  async startSession(request: SessionRequest): Promise<{ authorizeUrl: string; expiresAt: string }> {
    await this.returnUrls.check(request.tenantId, request.returnUrl);
    const { spec, app } = this.exchange.oauthApp(request.provider);
    const definition = this.registry.definition(request.provider);
    const metadata = this.registry.validateMetadata(
      definition,
      {
        ...(request.metadata ?? {}),
        shop: request.shop ?? request.metadata?.shop,
        accountId: request.accountId ?? request.metadata?.accountId,
      },
      [spec.authorizeUrl, spec.tokenUrl],
    );
    const usePkce =
      spec.pkce === 'required' || (spec.pkce === 'supported' && (request.pkce ?? request.provider !== 'square'));
    const state = randomToken(32);
    const id = stateId(state);
    const pkce = usePkce ? createPkcePair() : undefined;
    const scopes = (request.scopes ?? app.scopes).join(spec.scopeSeparator);
    const expiresAt = await this.states.insert({
      id,
      tenantId: request.tenantId,
      provider: request.provider,
      alias: request.alias,
      metadata: { ...metadata, pkce: usePkce },
      scopes,
      redirectUri: this.registry.redirectUri,
      pkceVerifier: pkce ? this.vault.sealOne(request.tenantId, id, 'pkceVerifier', pkce.verifier) : null,
      returnUrl: request.returnUrl ?? null,
      ttlSeconds: this.config.AUTH_OAUTH_STATE_TTL_SECONDS,
    });
    const url = new URL(this.registry.url(request.provider, spec.authorizeUrl, urlParams(metadata)));
    const params: Record<string, string> = {
      ...spec.authorizeParams,
      client_id: app.clientId ?? '',
      redirect_uri: this.registry.redirectUri,
      state,
    };
    if (request.provider !== 'shopify') params.response_type = 'code';
    if (scopes !== '') params.scope = scopes;
    if (pkce) {
      params.code_challenge = pkce.challenge;
      // Square documents only code_challenge; others get the explicit S256 method.
      if (request.provider !== 'square') params.code_challenge_method = 'S256';
    }
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return { authorizeUrl: url.toString(), expiresAt: expiresAt.toISOString() };
  }

  async callback(rawQuery: string): Promise<CallbackResult> {
    const query = new URLSearchParams(rawQuery);
    const state = query.get('state');
    if (!state) throw rejected('OAUTH_STATE_MISSING', 'The callback has no state');
    const pending = await this.states.find(stateId(state));
    if (!pending) throw rejected('OAUTH_STATE_INVALID', 'Unknown state');
    if (pending.consumedAt) throw rejected('OAUTH_STATE_REPLAYED', 'This state was already used');
    if (pending.expired) throw rejected('OAUTH_STATE_EXPIRED', 'The connect session expired; start again');
    if (pending.provider === 'shopify') this.checkShopify(rawQuery, query, pending);
    const consumed = await this.states.consume(pending.id);
    if (!consumed) throw rejected('OAUTH_STATE_REPLAYED', 'This state was already used');
    const error = query.get('error');
    if (error !== null) {
      await this.audit.record({
        tenantId: consumed.tenantId,
        connectionId: null,
        event: 'oauth.rejected',
        actor: 'provider',
        detail: { provider: consumed.provider, error: error.slice(0, 40) },
      });
      throw rejected(
        error === 'access_denied' ? 'OAUTH_ACCESS_DENIED' : 'OAUTH_PROVIDER_ERROR',
        'The provider did not grant access',
      );
    }
    const code = query.get('code');
    if (!code) throw rejected('OAUTH_CODE_MISSING', 'The callback has no code');
    if (consumed.metadata.pkce === true && consumed.pkceVerifier === null)
      throw rejected('OAUTH_PKCE_MISSING', 'The PKCE verifier of this session is missing');
    return this.finish(consumed, code);
  }

  private checkShopify(rawQuery: string, query: URLSearchParams, pending: OAuthStateRecord): void {
    const secret = this.registry.configured('shopify')?.clientSecret?.reveal() ?? '';
    if (!verifyShopifyCallbackHmac(rawQuery, secret))
      throw rejected('OAUTH_HMAC_INVALID', 'The callback signature is invalid');
    const shop = query.get('shop') ?? '';
    if (!SHOP_PART.pattern.test(shop) || shop !== pending.metadata.shop)
      throw rejected('OAUTH_SHOP_INVALID', 'The shop is not the one this session was started for');
  }

  private async finish(pending: OAuthStateRecord, code: string): Promise<CallbackResult> {
    const codeVerifier =
      pending.pkceVerifier === null
        ? undefined
        : this.vault.openOne(pending.tenantId, pending.id, 'pkceVerifier', pending.pkceVerifier);
    const deadline = this.clock.now() + this.config.AUTH_REFRESH_DEADLINE_MS;
    let tokens: IssuedTokens;
    // The connection is made after the exchange: its calls carry the tenant only.
    const scope = { tenantId: pending.tenantId, connectionId: null, provider: pending.provider };
    try {
      tokens = await withProviderCall(scope, () =>
        this.exchange.oauthGrant(
          pending.provider,
          pending.metadata,
          {
            kind: 'authorization_code',
            code,
            redirectUri: pending.redirectUri,
            ...(codeVerifier ? { codeVerifier } : {}),
          },
          deadline,
        ),
      );
    } catch (error) {
      if (error instanceof BusError) throw error;
      throw rejected('OAUTH_EXCHANGE_FAILED', 'The provider refused the authorization code');
    }
    const accessToken = tokens.accessToken;
    const extra = await withProviderCall(scope, () => this.postConnect.run(pending.provider, accessToken));
    const metadata = {
      ...pending.metadata,
      ...extra,
      ...(tokens.extras.merchantId ? { merchantId: tokens.extras.merchantId } : {}),
    };
    const existing = await this.connections.findIdByAlias(pending.tenantId, pending.provider, pending.alias);
    const id = existing ?? randomUUID();
    const secrets: Record<string, string> = { accessToken: tokens.accessToken };
    if (tokens.refreshToken !== undefined) secrets.refreshToken = tokens.refreshToken;
    const row = {
      id,
      tenantId: pending.tenantId,
      provider: pending.provider,
      alias: pending.alias,
      authMode: 'oauth2' as const,
      metadata,
      accountKey: connectionAccountKey(this.registry.definition(pending.provider).webhook, metadata) ?? null,
      sealed: this.vault.sealAll(pending.tenantId, id, secrets),
      tokenType: tokens.tokenType,
      accessExpiresAt: tokens.accessExpiresAt,
      refreshExpiresAt: tokens.refreshExpiresAt,
    };
    const record = existing ? await this.connections.reconnect(row) : await this.connections.insert(row);
    await this.audit.record({
      tenantId: pending.tenantId,
      connectionId: id,
      event: 'connection.created',
      actor: 'oauth',
      detail: { provider: pending.provider, reconnect: existing !== undefined },
    });
    return {
      connectionId: record.id,
      provider: record.provider,
      alias: record.alias,
      status: record.status,
      ...(pending.returnUrl === null ? {} : { returnUrl: pending.returnUrl }),
    };
  }
}

/** States are stored as their SHA-256, so a database read never yields a usable state. */
function stateId(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('base64url');
}
