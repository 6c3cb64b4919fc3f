import { Injectable } from '@nestjs/common';
import { BusError, type TokenGetResponse } from '@shelflink/contracts';
import { timingSafeEqualStrings, tokenFingerprint } from '@shelflink/crypto';
import { SingleFlight } from '@shelflink/resilience';
import { Clock } from '@shelflink/runtime';
import { encodedOnce } from '@shelflink/messaging';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuthConfig } from '../config/auth.config.js';
import { ConnectionRepository } from '../connection/connection.repository.js';
import type { ConnectionSnapshot } from '../connection/connection.types.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { VaultService } from '../vault/vault.service.js';
import { statusError, TokenRefreshService } from './token-refresh.service.js';

interface CacheEntry {
  tenantId: string;
  provider: string;
  version: number;
  reply: TokenGetResponse;
  expiresAtMs: number | null;
  cachedUntil: number;
}

const SERVED_AUDIT_INTERVAL_MS = 60_000;

/** `auth.token.get.v1`: a valid token and its headers, refreshed first inside the buffer; one refresh at a time. */
@Injectable()
export class TokenService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly flights = new SingleFlight<string, ConnectionSnapshot>();
  private readonly lastServedAudit = new Map<string, number>();

  constructor(
    private readonly config: AuthConfig,
    private readonly connections: ConnectionRepository,
    private readonly vault: VaultService,
    private readonly registry: ProviderRegistry,
    private readonly refresher: TokenRefreshService,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * `refused`: the fingerprint of a token the provider refused; renewed if it is still the current one. `guard` sees
   * the connection's provider before anything else happens and throws to refuse (a consumer service's grant).
   */
  async get(
    tenantId: string,
    connectionId: string,
    actor: string,
    refused?: string,
    guard?: (provider: string) => void,
  ): Promise<TokenGetResponse> {
    const cached = this.cache.get(connectionId);
    if (
      refused === undefined &&
      cached &&
      cached.tenantId === tenantId &&
      cached.cachedUntil > this.clock.now() &&
      !this.withinBuffer(cached.expiresAtMs)
    ) {
      guard?.(cached.provider);
      return cached.reply;
    }
    let snapshot = await this.connections.findSnapshot(connectionId, tenantId);
    if (!snapshot) throw new BusError('NOT_FOUND', 'Connection not found');
    guard?.(snapshot.connection.provider);
    if (snapshot.connection.status !== 'active') throw statusError(snapshot.connection.status);
    if (snapshot.connection.authMode === 'tba')
      throw new BusError('INVALID_REQUEST', 'TBA connections sign requests: use auth.sign.tba.v1');
    if (snapshot.connection.authMode === 'none')
      throw new BusError('INVALID_REQUEST', 'This connection receives webhooks only: it has no API credentials');
    if (!this.isFresh(snapshot)) {
      const seen = snapshot;
      snapshot = await this.flights.run(connectionId, () => this.refresher.refresh(seen, (s) => this.isFresh(s)));
    } else if (refused !== undefined && this.isCurrentToken(snapshot, refused)) {
      snapshot = await this.renewRefused(snapshot, actor);
    }
    // The cache lapsed but the credential did not change: its reply stands, without opening the token again.
    const reply =
      cached && cached.version === snapshot.credential?.version && cached.tenantId === tenantId
        ? cached.reply
        : this.reply(snapshot);
    this.remember(snapshot, reply);
    await this.auditServed(snapshot, actor);
    return reply;
  }

  /** Forgets every cached token of this replica. */
  clearCache(): number {
    const size = this.cache.size;
    this.cache.clear();
    return size;
  }

  /** Refreshes now regardless of expiry (keep-alive job); shares the same single-flight and lease. */
  async refreshNow(tenantId: string, connectionId: string): Promise<void> {
    const snapshot = await this.connections.findSnapshot(connectionId, tenantId);
    if (!snapshot || snapshot.connection.status !== 'active') return;
    const version = snapshot.credential?.version;
    await this.flights.run(connectionId, () =>
      this.refresher.refresh(snapshot, (s) => s.credential?.version !== version),
    );
    this.cache.delete(connectionId);
  }

  /**
   * The provider refused the current token before its expiry (revoked, or expired early). Renewed where the scheme
   * can; a static token (API key, Shopify offline token) comes back as it is, and the connection keeps its status: one
   * 401 is no proof that it needs a reconnect. Nor is a token refreshed moments ago renewed again. Callers reporting
   * the same token share one renewal: in this process the single flight, across replicas the version fence.
   */
  private async renewRefused(seen: ConnectionSnapshot, actor: string): Promise<ConnectionSnapshot> {
    const { connection, credential } = seen;
    const renewable = this.canRenew(seen);
    const audit = () =>
      void this.audit.recordQuietly({
        tenantId: connection.tenantId,
        connectionId: connection.id,
        event: 'credential.refused',
        actor,
        detail: { version: credential?.version ?? 0, renewable },
      });
    if (!renewable) {
      audit();
      return seen;
    }
    return this.flights.run(connection.id, () => {
      audit();
      return this.refresher.refresh(seen, (s) => s.credential?.version !== credential?.version);
    });
  }

  /** A scheme that mints tokens without the user, and no refresh in the last AUTH_REFUSED_RENEW_INTERVAL_MS. */
  private canRenew({ connection, credential }: ConnectionSnapshot): boolean {
    const scheme =
      connection.authMode === 'key-password' ||
      (connection.authMode === 'oauth2' && credential?.secrets.refreshToken !== undefined);
    const refreshedAgoMs = this.clock.now() - (connection.lastRefreshedAt?.getTime() ?? -Infinity);
    return scheme && refreshedAgoMs >= this.config.AUTH_REFUSED_RENEW_INTERVAL_MS;
  }

  private isCurrentToken(snapshot: ConnectionSnapshot, fingerprint: string): boolean {
    const { connection, credential } = snapshot;
    const sealed = credential?.secrets.accessToken;
    if (sealed === undefined) return false;
    const current = this.vault.openOne(connection.tenantId, connection.id, 'accessToken', sealed);
    return timingSafeEqualStrings(tokenFingerprint(current), fingerprint);
  }

  private isFresh(snapshot: ConnectionSnapshot): boolean {
    const credential = snapshot.credential;
    if (!credential || credential.secrets.accessToken === undefined) return false;
    return !this.withinBuffer(credential.accessExpiresAt?.getTime() ?? null);
  }

  private withinBuffer(expiresAtMs: number | null): boolean {
    return expiresAtMs !== null && expiresAtMs - this.config.AUTH_REFRESH_BUFFER_SECONDS * 1000 <= this.clock.now();
  }

  private reply(snapshot: ConnectionSnapshot): TokenGetResponse {
    const { connection, credential } = snapshot;
    if (!credential?.secrets.accessToken) throw new BusError('NEEDS_REAUTH', 'Connection has no access token');
    const accessToken = this.vault.openOne(
      connection.tenantId,
      connection.id,
      'accessToken',
      credential.secrets.accessToken,
    );
    return encodedOnce({
      accessToken,
      tokenType: credential.tokenType,
      expiresAt: credential.accessExpiresAt?.toISOString() ?? null,
      headers: this.registry.requestHeaders(connection.provider, accessToken),
    });
  }

  private remember(snapshot: ConnectionSnapshot, reply: TokenGetResponse): void {
    if (this.config.AUTH_TOKEN_CACHE_MS === 0 || !snapshot.credential) return;
    const current = this.cache.get(snapshot.connection.id);
    // Never replace a newer credential version with an older read.
    if (current && current.version > snapshot.credential.version && current.cachedUntil > this.clock.now()) return;
    this.cache.set(snapshot.connection.id, {
      tenantId: snapshot.connection.tenantId,
      provider: snapshot.connection.provider,
      version: snapshot.credential.version,
      reply,
      expiresAtMs: snapshot.credential.accessExpiresAt?.getTime() ?? null,
      cachedUntil: this.clock.now() + this.config.AUTH_TOKEN_CACHE_MS,
    });
  }

  /** Awaited, so the row exists (and precedes what the caller audits next) once the token is answered. */
  private async auditServed(snapshot: ConnectionSnapshot, actor: string): Promise<void> {
    const key = `${snapshot.connection.id}:${snapshot.credential?.version ?? 0}:${actor}`;
    const last = this.lastServedAudit.get(key) ?? 0;
    if (this.clock.now() - last < SERVED_AUDIT_INTERVAL_MS) return;
    this.lastServedAudit.set(key, this.clock.now());
    if (this.lastServedAudit.size > 10_000) this.lastServedAudit.clear();
    await this.audit.recordQuietly({
      tenantId: snapshot.connection.tenantId,
      connectionId: snapshot.connection.id,
      event: 'credential.served',
      actor,
      detail: { version: snapshot.credential?.version ?? 0 },
    });
  }
}
