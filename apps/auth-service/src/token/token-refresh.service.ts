import { Injectable, Logger } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { Clock } from '@shelflink/runtime';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withProviderCall } from '../call-log/call-log.service.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuthConfig } from '../config/auth.config.js';
import { ConnectionRepository } from '../connection/connection.repository.js';
import type { ConnectionSnapshot } from '../connection/connection.types.js';
import { CredentialRepository } from '../vault/credential.repository.js';
import { VaultService } from '../vault/vault.service.js';
import { GrantRejectedError, TokenExchangeClient, type IssuedTokens } from '../provider/token-exchange.client.js';

/**
 * Cross-replica refresh (RELIABILITY.md finding 6): take a short lease, re-read, call the provider outside any
 * transaction, write back under the version fence. Callers in one process are coalesced before they get here.
 */
@Injectable()
export class TokenRefreshService {
  private readonly logger = new Logger(TokenRefreshService.name);
  /** This process's lease identity. */
  private readonly owner = `auth-${randomUUID()}`;

  constructor(
    private readonly config: AuthConfig,
    private readonly connections: ConnectionRepository,
    private readonly credentials: CredentialRepository,
    private readonly vault: VaultService,
    private readonly exchange: TokenExchangeClient,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Returns a snapshot whose access token is fresh, refreshing at most once across replicas. */
  async refresh(seen: ConnectionSnapshot, isFresh: (s: ConnectionSnapshot) => boolean): Promise<ConnectionSnapshot> {
    const { id, tenantId } = seen.connection;
    const deadline = this.clock.now() + this.config.AUTH_REFRESH_DEADLINE_MS;
    while (this.clock.now() < deadline) {
      if (await this.credentials.tryAcquireLease(id, this.owner, this.config.AUTH_REFRESH_LEASE_MS)) {
        return this.refreshHoldingLease(tenantId, id, isFresh, deadline);
      }
      await sleep(40 + Math.random() * 60);
      const current = await this.load(tenantId, id);
      if (current.credential && current.credential.version !== seen.credential?.version && isFresh(current))
        return current;
    }
    throw new BusError('TIMEOUT', 'Token refresh did not finish in time');
  }

  private async refreshHoldingLease(
    tenantId: string,
    id: string,
    isFresh: (s: ConnectionSnapshot) => boolean,
    deadline: number,
  ): Promise<ConnectionSnapshot> {
    let wrote = false;
    try {
      // Re-read after acquiring: another replica may have refreshed between our read and our lease.
      const current = await this.load(tenantId, id);
      const credential = current.credential;
      if (!credential) throw new BusError('NEEDS_REAUTH', 'Connection has no credentials; reconnect it');
      if (isFresh(current)) return current;
      const secrets = this.vault.openAll(tenantId, id, credential.secrets);
      const { tenantId: owner, id: connectionId, provider } = current.connection;
      const issued = await withProviderCall({ tenantId: owner, connectionId, provider }, () =>
        this.callProvider(current, secrets, deadline),
      );
      const merged: Record<string, string> = { ...secrets, accessToken: issued.accessToken };
      // A provider that omits a new refresh token keeps the old one valid.
      if (issued.refreshToken !== undefined) merged.refreshToken = issued.refreshToken;
      const version = await this.credentials.writeRefreshed(id, this.owner, credential.version, {
        sealed: this.vault.sealAll(tenantId, id, merged),
        tokenType: issued.tokenType,
        accessExpiresAt: issued.accessExpiresAt,
        refreshExpiresAt: issued.refreshExpiresAt,
      });
      if (version === undefined) {
        // Tokens were issued that this process may not store (its lease expired meanwhile). A provider that detects
        // refresh-token reuse may have revoked the grant the other writer stored, so an operator must see this.
        this.logger.warn(`refresh of connection ${id} was fenced off (lease lost); the issued tokens were discarded`);
        void this.audit.recordQuietly({
          tenantId,
          connectionId: id,
          event: 'credential.refresh_fenced',
          actor: 'auth-service',
          detail: { expectedVersion: credential.version },
        });
        throw new BusError('CONFLICT', 'Refresh result was fenced off (lease lost)');
      }
      wrote = true;
      void this.audit.recordQuietly({
        tenantId,
        connectionId: id,
        event: 'credential.refreshed',
        actor: 'auth-service',
        detail: { version },
      });
      return this.load(tenantId, id);
    } finally {
      if (!wrote) await this.credentials.releaseLease(id, this.owner).catch(() => undefined);
    }
  }

  private async callProvider(
    snapshot: ConnectionSnapshot,
    secrets: Record<string, string>,
    deadline: number,
  ): Promise<IssuedTokens> {
    const { connection } = snapshot;
    try {
      if (connection.authMode === 'key-password') {
        return await this.exchange.keyPasswordLogin(
          connection.provider,
          secrets.apiKey ?? '',
          secrets.password ?? '',
          deadline,
        );
      }
      const refreshToken = secrets.refreshToken;
      if (connection.authMode !== 'oauth2' || refreshToken === undefined) {
        throw new GrantRejectedError(0, 'not_refreshable');
      }
      const pkce = connection.metadata.pkce === true;
      return await this.exchange.oauthGrant(
        connection.provider,
        connection.metadata,
        { kind: 'refresh_token', refreshToken, pkce },
        deadline,
      );
    } catch (error) {
      if (error instanceof GrantRejectedError) {
        await this.connections.setStatus(connection.id, 'needs_reauth', error.reason);
        await this.audit.record({
          tenantId: connection.tenantId,
          connectionId: connection.id,
          event: 'credential.needs_reauth',
          actor: 'auth-service',
          detail: { status: error.status, reason: error.reason },
        });
        this.logger.warn(`connection ${connection.id} needs re-authorization (${error.reason})`);
        throw new BusError('NEEDS_REAUTH', 'The provider rejected the stored grant; reconnect this connection');
      }
      const code = error instanceof BusError ? error.code : 'INTERNAL';
      void this.audit.recordQuietly({
        tenantId: connection.tenantId,
        connectionId: connection.id,
        event: 'credential.refresh_failed',
        actor: 'auth-service',
        detail: { code },
      });
      throw error;
    }
  }

  private async load(tenantId: string, id: string): Promise<ConnectionSnapshot> {
    const snapshot = await this.connections.findSnapshot(id, tenantId);
    if (!snapshot) throw new BusError('NOT_FOUND', 'Connection not found');
    if (snapshot.connection.status !== 'active') throw statusError(snapshot.connection.status);
    return snapshot;
  }
}

/** The caller-facing error of a connection that cannot serve tokens. */
export function statusError(status: string): BusError {
  if (status === 'needs_reauth') return new BusError('NEEDS_REAUTH', 'Connection needs re-authorization');
  if (status === 'revoked') return new BusError('NEEDS_REAUTH', 'Connection was disconnected; reconnect it');
  return new BusError('NEEDS_REAUTH', 'Connection is in error; reconnect it');
}
