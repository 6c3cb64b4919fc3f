import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { apiKeyVerifyContract, BusError } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { HttpApiError } from '@shelflink/observability';
import { createHash } from 'node:crypto';
import { Strategy, type VerifyFunction } from 'passport-http-bearer';

/** The admin caller a request runs as: one tenant, one key. */
export interface AdminPrincipal {
  tenantId: string;
  keyId: string;
}

const cacheTtlMs = 10_000;

/**
 * passport-http-bearer also takes a token from a body or query `access_token` (and refuses a request with two): the API
 * key comes from the Authorization header alone, so a proxied body or query that has an `access_token` of its own
 * passes through to the provider untouched.
 */
class HeaderBearerStrategy extends Strategy<VerifyFunction> {
  override authenticate(request: Parameters<Strategy<VerifyFunction>['authenticate']>[0]): void {
    super.authenticate({ headers: request.headers } as typeof request);
  }
}

/** Bearer API keys, checked by auth-service over NATS (the gateway stores no key); verdicts cached briefly by key digest. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderBearerStrategy, 'api-key') {
  private readonly cache = new Map<string, { principal: AdminPrincipal; expiresAt: number }>();

  constructor(private readonly nats: NatsClient) {
    super();
  }

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
