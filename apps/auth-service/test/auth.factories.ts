// Test data for auth-service's service-level tests, stored through the real repositories and the vault.
import type { Clock } from '@shelflink/runtime';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthMode } from '../src/connection/connection.types.js';
import { TenantRepository } from '../src/tenant/tenant.repository.js';
import type { AuthReplica } from './auth-services.harness.js';

/** A stored connection and the plaintext it was stored with. */
export interface ConnectionFixture {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
}

export interface ConnectionOptions {
  tenantId?: string;
  provider?: string;
  authMode?: AuthMode;
  metadata?: Record<string, unknown>;
  accessToken?: string;
  refreshToken?: string;
  /** Access-token expiry relative to the clock's now; null for a token that never expires. */
  expiresInMs?: number | null;
}

const unique = (kind: string) => `${kind}_${randomBytes(4).toString('hex')}`;

export function authFactories(replica: AuthReplica, clock: Clock) {
  const tenants = new TenantRepository(replica.dataSource);

  const tenant = async (): Promise<string> => {
    const id = unique('tenant');
    await tenants.upsertTenant(id, id);
    return id;
  };

  const connection = async (options: ConnectionOptions = {}): Promise<ConnectionFixture> => {
    const tenantId = options.tenantId ?? (await tenant());
    const connectionId = randomUUID();
    const accessToken = options.accessToken ?? unique('at');
    const secrets: Record<string, string> = { accessToken };
    if (options.refreshToken !== undefined) secrets.refreshToken = options.refreshToken;
    const expiresInMs = options.expiresInMs === undefined ? 3_600_000 : options.expiresInMs;
    await replica.connections.insert({
      id: connectionId,
      tenantId,
      provider: options.provider ?? 'sandbox-oauth',
      alias: unique('alias'),
      authMode: options.authMode ?? 'oauth2',
      metadata: options.metadata ?? { pkce: true },
      accountKey: null,
      sealed: replica.vault.sealAll(tenantId, connectionId, secrets),
      tokenType: 'bearer',
      accessExpiresAt: expiresInMs === null ? null : new Date(clock.now() + expiresInMs),
      refreshExpiresAt: null,
    });
    return { tenantId, connectionId, accessToken, refreshToken: options.refreshToken };
  };

  return {
    tenant,
    /** An OAuth connection of the `sandbox-oauth` provider holding `grant` (from the token endpoint). */
    oauthConnection: (grant: { accessToken: string; refreshToken: string }, options: ConnectionOptions = {}) =>
      connection({ ...grant, ...options }),
    /** A pasted access token (Square), no refresh token: nothing to renew it with. */
    staticConnection: (options: ConnectionOptions = {}) =>
      connection({ provider: 'square', authMode: 'access-token', metadata: {}, expiresInMs: null, ...options }),
    /** NetSuite token-based auth: requests are signed, no token is handed out. */
    tbaConnection: () =>
      connection({ provider: 'netsuite', authMode: 'tba', metadata: { accountId: '1234567' }, expiresInMs: null }),
  };
}

export type AuthFactories = ReturnType<typeof authFactories>;
