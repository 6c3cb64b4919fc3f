import { Injectable } from '@nestjs/common';
import { connectionLookupContract, tokenGetContract, type ConnectionSummary } from '@shelflink/contracts';
import { tokenFingerprint } from '@shelflink/crypto';
import { NatsClient } from '@shelflink/messaging';

/** Ready-to-attach auth headers (e.g. `X-Shopify-Access-Token`) and the fingerprint that names their token. */
export interface AuthHeaders {
  headers: Record<string, string>;
  fingerprint: string;
}

interface CachedToken extends AuthHeaders {
  validUntil: number;
}

// Tokens are reused briefly; auth-service refreshes ahead of expiry, so never past expiresAt minus this margin.
const TOKEN_MARGIN_MS = 60_000;
const TOKEN_REUSE_MS = 5 * 60_000;
const AUTH_TIMEOUT_MS = 5_000;

/** Connection details and request headers from auth-service, the only holder of secrets. */
@Injectable()
export class ConnectionDirectory {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly nats: NatsClient) {}

  /** @throws BusError NOT_FOUND for an unknown connection or one of another tenant. */
  lookup(tenantId: string, connectionId: string): Promise<ConnectionSummary> {
    return this.nats.request(connectionLookupContract, { tenantId, connectionId }, AUTH_TIMEOUT_MS);
  }

  /** The connection's auth headers, cached until shortly before expiry. */
  async authHeaders(tenantId: string, connectionId: string): Promise<AuthHeaders> {
    const cached = this.tokens.get(connectionId);
    if (cached && cached.validUntil > Date.now()) return cached;
    return this.fetch(tenantId, connectionId);
  }

  /**
   * Reports a token the provider refused; auth-service renews it if it can. True when a different token is now
   * cached, worth one more try; false when auth-service still holds the refused one (not renewable).
   * @throws BusError NEEDS_REAUTH when the renewal was refused too.
   */
  async renewRefused(tenantId: string, connectionId: string, refusedFingerprint: string): Promise<boolean> {
    const current = await this.fetch(tenantId, connectionId, refusedFingerprint);
    return current.fingerprint !== refusedFingerprint;
  }

  /** Forgets every cached token of this replica; returns how many there were. */
  clearCache(): number {
    const size = this.tokens.size;
    this.tokens.clear();
    return size;
  }

  private async fetch(tenantId: string, connectionId: string, refusedTokenFingerprint?: string): Promise<CachedToken> {
    const token = await this.nats.request(
      tokenGetContract,
      { tenantId, connectionId, ...(refusedTokenFingerprint ? { refusedTokenFingerprint } : {}) },
      AUTH_TIMEOUT_MS,
    );
    const expiresAt = token.expiresAt === null ? Infinity : Date.parse(token.expiresAt);
    const cached = {
      headers: token.headers,
      fingerprint: tokenFingerprint(token.accessToken),
      validUntil: Math.min(Date.now() + TOKEN_REUSE_MS, expiresAt - TOKEN_MARGIN_MS),
    };
    this.tokens.set(connectionId, cached);
    return cached;
  }
}
