import type { ConnectionView } from '@shelflink/contracts';

export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked' | 'error';
/** How the stored credential authenticates; `none`: an inbound-only connection that holds at most a webhook secret. */
export type AuthMode = 'access-token' | 'oauth2' | 'key-password' | 'tba' | 'none';

export interface ConnectionRecord {
  id: string;
  tenantId: string;
  provider: string;
  alias: string;
  status: ConnectionStatus;
  authMode: AuthMode;
  metadata: Record<string, unknown>;
  /** The provider account app-level webhooks are routed by (Square merchant id, Shopify shop), if any. */
  accountKey: string | null;
  credentialVersion: number;
  lastRefreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The sealed credential row as read; secrets stay sealed until the vault opens them. */
export interface CredentialRecord {
  version: number;
  keyId: string;
  secrets: Record<string, string>;
  tokenType: string;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

export interface ConnectionSnapshot {
  connection: ConnectionRecord;
  credential: CredentialRecord | null;
}

/** Never includes a secret. */
export function toConnectionView(connection: ConnectionRecord): ConnectionView {
  const { pkce: _pkce, ...metadata } = connection.metadata;
  return {
    id: connection.id,
    provider: connection.provider,
    alias: connection.alias,
    status: connection.status,
    authMode: connection.authMode,
    metadata,
    createdAt: connection.createdAt.toISOString(),
    updatedAt: connection.updatedAt.toISOString(),
  };
}
