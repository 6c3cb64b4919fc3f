import { Injectable } from '@nestjs/common';
import { connectionLookupContract, tokenGetContract, type ConnectionSummary } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';

interface CachedToken {
  headers: Record<string, string>;
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

  /** Ready-to-attach auth headers (e.g. `X-Shopify-Access-Token`), cached until shortly before expiry. */
  async authHeaders(tenantId: string, connectionId: string): Promise<Record<string, string>> {
    const cached = this.tokens.get(connectionId);
    if (cached && cached.validUntil > Date.now()) return cached.headers;
    const token = await this.nats.request(tokenGetContract, { tenantId, connectionId }, AUTH_TIMEOUT_MS);
    const expiresAt = token.expiresAt === null ? Infinity : Date.parse(token.expiresAt);
    const validUntil = Math.min(Date.now() + TOKEN_REUSE_MS, expiresAt - TOKEN_MARGIN_MS);
    this.tokens.set(connectionId, { headers: token.headers, validUntil });
    return token.headers;
  }

  /** Forgets a token the provider refused, so the next call asks auth-service again. */
  forgetToken(connectionId: string): void {
    this.tokens.delete(connectionId);
  }
}
