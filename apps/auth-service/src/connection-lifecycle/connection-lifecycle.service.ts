import { Injectable, Logger } from '@nestjs/common';
import {
  BusError,
  type ConnectionRevokedAtProviderRequest,
  type WebhookRoute,
  type WebhookSecretsGetResponse,
} from '@shelflink/contracts';
import { findAuth, netsuiteRealm, signTbaRequest } from '@shelflink/providers';
import { withProviderCall } from '../call-log/call-log.service.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { urlParams } from '../provider/token-exchange.client.js';
import { TokenService } from '../token/token.service.js';
import { VaultService } from '../vault/vault.service.js';
import { WebhookReconcileService } from '../webhook-subscription/webhook-reconcile.service.js';
import { ConnectionRepository } from '../connection/connection.repository.js';
import type { ConnectionSnapshot } from '../connection/connection.types.js';

/** Disconnect (revoke, then erase), test calls, TBA signing and webhook secrets: everything that opens a secret. */
@Injectable()
export class ConnectionLifecycleService {
  private readonly logger = new Logger(ConnectionLifecycleService.name);
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly registry: ProviderRegistry,
    private readonly vault: VaultService,
    private readonly http: ProviderHttpClient,
    private readonly tokens: TokenService,
    private readonly audit: AuditRepository,
    private readonly webhooks: WebhookReconcileService,
  ) {}

  async disconnect(
    tenantId: string,
    connectionId: string,
  ): Promise<{ id: string; status: 'revoked'; revokedAtProvider: boolean }> {
    const snapshot = await this.load(connectionId, tenantId);
    // While the token still works: the subscriptions pointing at this connection go first.
    const subscriptionsRemoved = await this.webhooks.disconnected(snapshot.connection);
    const { tenantId: owner, id, provider } = snapshot.connection;
    const revokedAtProvider = await withProviderCall({ tenantId: owner, connectionId: id, provider }, () =>
      this.revokeAtProvider(snapshot),
    ).catch(() => false);
    await this.connections.eraseSecrets(connectionId);
    this.tokens.clearCache();
    await this.audit.record({
      tenantId,
      connectionId,
      event: 'connection.revoked',
      actor: 'gateway',
      detail: { revokedAtProvider, subscriptionsRemoved },
    });
    return { id: connectionId, status: 'revoked', revokedAtProvider };
  }

  /** A verified webhook says the merchant removed the app: the connection needs a reconnect (see the contract). */
  async revokedAtProvider(
    request: ConnectionRevokedAtProviderRequest,
  ): Promise<{ status: 'needs_reauth' | 'unchanged' }> {
    const { tenantId, connectionId, eventId } = request;
    if (!(await this.connections.markRevokedAtProvider(request, new Date(request.receivedAt))))
      return { status: 'unchanged' };
    this.tokens.clearCache();
    this.logger.warn(`connection ${connectionId} needs re-authorization: the provider revoked it (event ${eventId})`);
    await this.audit.record({
      tenantId,
      connectionId,
      event: 'credential.needs_reauth',
      actor: 'webhook-ingest',
      detail: { reason: 'revoked_at_provider', eventId },
    });
    return { status: 'needs_reauth' };
  }

  async test(
    tenantId: string,
    connectionId: string,
    actor: string,
  ): Promise<{ ok: boolean; status: number | null; code?: string }> {
    const snapshot = await this.load(connectionId, tenantId);
    const definition = this.registry.definition(snapshot.connection.provider);
    if (!definition.testConnection || !definition.apiBase) return { ok: false, status: null, code: 'NO_TEST_CALL' };
    const url = this.registry.url(
      snapshot.connection.provider,
      definition.apiBase + definition.testConnection.path,
      urlParams(snapshot.connection.metadata),
    );
    let result: { ok: boolean; status: number | null; code?: string };
    try {
      const headers =
        snapshot.connection.authMode === 'tba'
          ? this.tbaHeaders(snapshot, definition.testConnection.method, url, actor)
          : (await this.tokens.get(tenantId, connectionId, actor)).headers;
      const { provider } = snapshot.connection;
      const { method } = definition.testConnection;
      const caller = actor === 'gateway' ? 'admin' : actor;
      const response = await withProviderCall({ tenantId, connectionId, provider, caller }, () =>
        this.http.send({ method, url, headers }),
      );
      result = { ok: response.status >= 200 && response.status < 300, status: response.status };
    } catch (error) {
      result = { ok: false, status: null, code: error instanceof BusError ? error.code : 'NETWORK_ERROR' };
    }
    await this.audit.recordQuietly({
      tenantId,
      connectionId,
      event: 'connection.tested',
      actor,
      detail: { ok: result.ok, status: result.status },
    });
    return result;
  }

  /**
   * `caller.actor` is audited; `caller.guard` sees the connection's provider first and throws to refuse (a consumer
   * service's grant). Only sync-service may send `auth.sign.tba.v1` itself (NATS permissions).
   */
  async signTba(
    tenantId: string,
    connectionId: string,
    method: string,
    url: string,
    caller: { actor: string; guard?: (provider: string) => void } = { actor: 'sync-service' },
  ): Promise<{ headers: Record<string, string> }> {
    const snapshot = await this.load(connectionId, tenantId);
    caller.guard?.(snapshot.connection.provider);
    if (snapshot.connection.status !== 'active') throw new BusError('NEEDS_REAUTH', 'Connection is not active');
    if (snapshot.connection.authMode !== 'tba') throw new BusError('INVALID_REQUEST', 'Not a TBA connection');
    return { headers: this.tbaHeaders(snapshot, method, url, caller.actor) };
  }

  /** Without a connection: the app-level secrets and URL of `POST /webhooks/{provider}`, which belong to no tenant. */
  async webhookSecrets(connectionId: string | undefined, provider: string): Promise<WebhookSecretsGetResponse> {
    if (connectionId === undefined) return this.appWebhookSecrets(provider);
    const snapshot = await this.connections.findSnapshot(connectionId);
    if (!snapshot || snapshot.connection.provider !== provider) throw new BusError('NOT_FOUND', 'Connection not found');
    const { connection, credential } = snapshot;
    const definition = this.registry.definition(provider);
    const configured = this.registry.configured(provider);
    const own = credential?.secrets.webhookSecret;
    const secrets =
      own !== undefined
        ? [this.vault.openOne(connection.tenantId, connection.id, 'webhookSecret', own)]
        : (configured?.webhookSecrets ?? []).map((secret) => secret.reveal());
    return {
      tenantId: connection.tenantId,
      provider,
      scheme: definition.webhook.scheme,
      secrets,
      notificationUrl: this.registry.connectionWebhookUrl(provider, connection.id),
      ...(connection.accountKey !== null ? { accountKey: connection.accountKey } : {}),
      version: connection.credentialVersion,
    };
  }

  /** The connections of one provider account, in every tenant: where an app-level delivery goes. */
  async webhookRoutes(provider: string, accountKey: string): Promise<{ routes: WebhookRoute[] }> {
    return { routes: await this.connections.findByAccount(provider, accountKey) };
  }

  private appWebhookSecrets(provider: string): WebhookSecretsGetResponse {
    const configured = this.registry.configured(provider);
    if (!configured) throw new BusError('NOT_FOUND', 'Provider not configured');
    const { webhook } = configured.definition;
    return {
      provider,
      scheme: webhook.scheme,
      secrets: configured.webhookSecrets.map((secret) => secret.reveal()),
      notificationUrl: this.registry.appWebhookUrl(provider),
      routable: webhook.accountKey !== undefined,
      // App secrets change only with the configuration, which a restart loads: a new process is a new version.
      version: this.startedAt,
    };
  }

  private tbaHeaders(snapshot: ConnectionSnapshot, method: string, url: string, actor: string): Record<string, string> {
    const { connection, credential } = snapshot;
    if (!credential) throw new BusError('NEEDS_REAUTH', 'Connection has no credentials');
    const secrets = this.vault.openAll(connection.tenantId, connection.id, credential.secrets);
    const accountId = typeof connection.metadata.accountId === 'string' ? connection.metadata.accountId : '';
    const authorization = signTbaRequest({
      method,
      url,
      realm: netsuiteRealm(accountId),
      consumerKey: secrets.consumerKey ?? '',
      consumerSecret: secrets.consumerSecret ?? '',
      tokenId: secrets.tokenId ?? '',
      tokenSecret: secrets.tokenSecret ?? '',
    });
    void this.audit.recordQuietly({
      tenantId: connection.tenantId,
      connectionId: connection.id,
      event: 'credential.signed',
      actor,
      detail: { method },
    });
    return { Authorization: authorization };
  }

  /** RFC 7009 / Square revoke where the provider has an endpoint; false when it has none. */
  private async revokeAtProvider(snapshot: ConnectionSnapshot): Promise<boolean> {
    const { connection, credential } = snapshot;
    const spec = findAuth(this.registry.definition(connection.provider), 'oauth2');
    const app = this.registry.configured(connection.provider);
    if (connection.authMode !== 'oauth2' || !credential || !spec?.revokeUrl || !app?.clientId) return false;
    const secrets = this.vault.openAll(connection.tenantId, connection.id, credential.secrets);
    const url = this.registry.url(connection.provider, spec.revokeUrl, urlParams(connection.metadata));
    const clientSecret = app.clientSecret?.reveal() ?? '';
    const response =
      spec.revokeAuth === 'client-secret-header'
        ? await this.http.send({
            method: 'POST',
            url,
            headers: { authorization: `Client ${clientSecret}` },
            json: { client_id: app.clientId, access_token: secrets.accessToken },
          })
        : await this.http.send({
            method: 'POST',
            url,
            headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${clientSecret}`).toString('base64')}` },
            form: {
              token: secrets.refreshToken ?? secrets.accessToken ?? '',
              token_type_hint: secrets.refreshToken ? 'refresh_token' : 'access_token',
            },
          });
    if (response.status >= 300) this.logger.warn(`revoke at ${connection.provider} answered HTTP ${response.status}`);
    return response.status < 300;
  }

  private async load(connectionId: string, tenantId: string): Promise<ConnectionSnapshot> {
    const snapshot = await this.connections.findSnapshot(connectionId, tenantId);
    if (!snapshot) throw new BusError('NOT_FOUND', 'Connection not found');
    return snapshot;
  }
}
