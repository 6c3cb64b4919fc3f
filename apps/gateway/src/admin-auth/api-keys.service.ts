import { Injectable } from '@nestjs/common';
import { apiKeyVerifyContract, BusError } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { HttpApiError } from '@shelflink/observability';
import { createHash } from 'node:crypto';

/** The admin caller a request runs as: one tenant, one key. */
export interface AdminPrincipal {
  tenantId: string;
  keyId: string;
}

const cacheTtlMs = 10_000;

/** Bearer API keys, checked by auth-service over NATS (the gateway stores no key); verdicts cached briefly by key digest. */
@Injectable()
export class ApiKeys {
  private readonly cache = new Map<string, { principal: AdminPrincipal; expiresAt: number }>();

  constructor(private readonly nats: NatsClient) {}

  async validate(apiKey: string): Promise<AdminPrincipal> {
    const digest = createHash('sha256').update(apiKey).digest('base64url');
    const cached = this.cache.get(digest);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    try {
      const principal = await this.nats.request(apiKeyVerifyContract, { apiKey });
      this.cache.set(digest, { principal, expiresAt: Date.now() + cacheTtlMs });
      return principal;
    } catch (error) {
      if (error instanceof BusError && error.code === 'UNAUTHENTICATED') {
        throw new HttpApiError(401, 'UNAUTHENTICATED', 'Invalid or revoked API key');
      }
      throw new HttpApiError(503, 'UNAVAILABLE', 'Cannot verify the API key right now');
    }
  }
}

/**
 * The key of an `Authorization: Bearer <key>` header (scheme case-insensitive, one space); anything else is 401. The
 * key comes from this header alone, so a proxied body or query with an `access_token` of its own passes through.
 */
export function bearerKey(header: string): string {
  const parts = header.split(' ');
  if (parts.length !== 2 || !/^bearer$/i.test(parts[0]!) || parts[1] === '')
    throw new HttpApiError(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <api key>');
  return parts[1]!;
}
