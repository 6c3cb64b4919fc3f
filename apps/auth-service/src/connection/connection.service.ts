import { Injectable } from '@nestjs/common';
import { BusError, type ConnectionCreateRequest, type ConnectionView } from '@shelflink/contracts';
import { connectionAccountKey, findAuth, valueAtPath, type ProviderDefinition } from '@shelflink/providers';
import { withProviderCall } from '../call-log/call-log.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { randomUUID } from 'node:crypto';
import { AuditRepository } from '../audit/audit.repository.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { VaultService } from '../vault/vault.service.js';
import { ConnectionRepository } from './connection.repository.js';
import { toConnectionView, type AuthMode, type ConnectionRecord } from './connection.types.js';

const CREDENTIAL_MODES: Record<ConnectionCreateRequest['credentials']['type'], AuthMode> = {
  'access-token': 'access-token',
  'key-password': 'key-password',
  tba: 'tba',
  none: 'none',
};

/** Connections from non-OAuth credentials, listing and inspection (never secrets). */
@Injectable()
export class ConnectionService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly registry: ProviderRegistry,
    private readonly vault: VaultService,
    private readonly audit: AuditRepository,
    private readonly http: ProviderHttpClient,
  ) {}

  async create(request: ConnectionCreateRequest): Promise<ConnectionView> {
    const definition = this.registry.definition(request.provider);
    const authMode = CREDENTIAL_MODES[request.credentials.type];
    checkSupported(definition, authMode);
    const validated = this.registry.validateMetadata(
      definition,
      request.metadata,
      definition.apiBase ? [definition.apiBase] : [],
    );
    const scope = { tenantId: request.tenantId, connectionId: null, provider: request.provider };
    const metadata = await withProviderCall(scope, () => this.withAccount(definition, validated, request.credentials));
    // A disconnected alias can be connected again: same id, new credentials (as an OAuth reconnect does).
    const revoked = await this.connections.findIdByAlias(request.tenantId, request.provider, request.alias, 'revoked');
    const id = revoked ?? randomUUID();
    const { type: _type, ...fields } = request.credentials;
    const secrets: Record<string, string> = { ...fields };
    if (request.webhookSecret !== undefined) secrets.webhookSecret = request.webhookSecret;
    const row = {
      id,
      tenantId: request.tenantId,
      provider: request.provider,
      alias: request.alias,
      authMode,
      metadata,
      accountKey: connectionAccountKey(definition.webhook, metadata) ?? null,
      sealed: this.vault.sealAll(request.tenantId, id, secrets),
      tokenType: 'bearer',
      accessExpiresAt: null,
      refreshExpiresAt: null,
    };
    const record = revoked ? await this.connections.reconnect(row) : await this.connections.insert(row);
    await this.audit.record({
      tenantId: request.tenantId,
      connectionId: id,
      event: 'connection.created',
      actor: 'gateway',
      detail: { authMode, provider: request.provider, reconnect: revoked !== undefined },
    });
    return toConnectionView(record);
  }

  /**
   * Adds the provider account a static token belongs to (Square merchants/me) when the metadata does not name it, so
   * app-level webhooks reach the connection. Best effort: a token the provider refuses leaves the connection without
   * an account key (app-level deliveries then stay unroutable for it).
   */
  private async withAccount(
    definition: ProviderDefinition,
    metadata: Record<string, unknown>,
    credentials: ConnectionCreateRequest['credentials'],
  ): Promise<Record<string, unknown>> {
    const spec = definition.webhook.accountKey;
    if (!spec?.lookup || !definition.apiBase || credentials.type !== 'access-token') return metadata;
    if (connectionAccountKey(definition.webhook, metadata) !== undefined) return metadata;
    try {
      const response = await this.http.send({
        method: 'GET',
        url: this.registry.url(definition.key, definition.apiBase + spec.lookup.path, {}),
        headers: this.registry.requestHeaders(definition.key, credentials.accessToken),
      });
      const account = response.status === 200 ? valueAtPath(response.body, spec.lookup.field) : undefined;
      return typeof account === 'string' && account !== '' ? { ...metadata, [spec.metadataField]: account } : metadata;
    } catch {
      return metadata;
    }
  }

  async list(tenantId: string, provider?: string): Promise<ConnectionView[]> {
    return (await this.connections.listForTenant(tenantId, provider)).map(toConnectionView);
  }

  async listAll(tenantId?: string): Promise<(ConnectionView & { tenantId: string })[]> {
    return (await this.connections.listForTenant(tenantId)).map((c) => ({
      ...toConnectionView(c),
      tenantId: c.tenantId,
    }));
  }

  async get(tenantId: string, connectionId: string): Promise<ConnectionView> {
    return toConnectionView(await this.find(connectionId, tenantId));
  }

  /** Internal lookup; without tenant only for webhook intake, which knows just the connection id in the URL. */
  async find(connectionId: string, tenantId?: string): Promise<ConnectionRecord> {
    const snapshot = await this.connections.findSnapshot(connectionId, tenantId);
    if (!snapshot) throw new BusError('NOT_FOUND', 'Connection not found');
    return snapshot.connection;
  }
}

function checkSupported(definition: ProviderDefinition, mode: AuthMode): void {
  // Inbound-only providers take no credentials; every other provider needs some.
  if ((mode === 'none') !== (definition.auth.length === 0)) {
    throw new BusError(
      'INVALID_REQUEST',
      mode === 'none'
        ? `credentials: ${definition.key} needs credentials`
        : `credentials.type: ${definition.key} takes no credentials, only a webhook secret (or none: "none")`,
      'VALIDATION_FAILED',
    );
  }
  if (mode === 'key-password' && !findAuth(definition, 'key-password-token')) {
    throw new BusError(
      'INVALID_REQUEST',
      `credentials.type: ${definition.key} has no key + password login`,
      'VALIDATION_FAILED',
    );
  }
  if (mode === 'tba' && !findAuth(definition, 'tba')) {
    throw new BusError('INVALID_REQUEST', `credentials.type: ${definition.key} does not use TBA`, 'VALIDATION_FAILED');
  }
  if (mode === 'access-token' && !definition.auth.some((spec) => spec.requestAuth.kind === 'header')) {
    throw new BusError(
      'INVALID_REQUEST',
      `credentials.type: ${definition.key} takes no bearer token`,
      'VALIDATION_FAILED',
    );
  }
}
