import { Injectable } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { DataSource } from 'typeorm';
import { isUniqueViolation, sqlRows } from '@shelflink/database';
import type { SealedFields } from '../vault/vault.service.js';
import { ConnectionEventsPublisher } from './connection-events.publisher.js';
import type { AuthMode, ConnectionRecord, ConnectionSnapshot, ConnectionStatus } from './connection.types.js';

interface Row {
  id: string;
  tenant_id: string;
  provider: string;
  alias: string;
  status: ConnectionStatus;
  auth_mode: AuthMode;
  metadata: Record<string, unknown>;
  account_key: string | null;
  credential_version: number;
  last_refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version?: number | null;
  key_id?: string | null;
  secrets?: Record<string, string> | null;
  token_type?: string | null;
  access_expires_at?: Date | null;
  refresh_expires_at?: Date | null;
}

/** What a new or reconnected connection stores. */
export interface NewConnection {
  id: string;
  tenantId: string;
  provider: string;
  alias: string;
  authMode: AuthMode;
  metadata: Record<string, unknown>;
  /** Its provider account (the catalog's `webhook.accountKey`), which app-level webhooks are routed by. */
  accountKey: string | null;
  sealed: SealedFields;
  tokenType: string;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

const SNAPSHOT_SQL = `SELECT c.*, cr.version, cr.key_id, cr.secrets, cr.token_type, cr.access_expires_at, cr.refresh_expires_at
  FROM auth.connections c LEFT JOIN auth.credentials cr ON cr.connection_id = c.id`;

/**
 * Connections and their credential rows; every tenant-facing read takes the tenant id. Every change is announced
 * after its commit (`ConnectionEventsPublisher`).
 */
@Injectable()
export class ConnectionRepository {
  constructor(
    private readonly db: DataSource,
    private readonly events: ConnectionEventsPublisher,
  ) {}

  /** Inserts connection and credentials together; a taken (tenant, provider, alias) is CONFLICT. */
  async insert(connection: NewConnection): Promise<ConnectionRecord> {
    try {
      return this.announced(await this.insertRows(connection));
    } catch (error) {
      if (isUniqueViolation(error))
        throw new BusError('CONFLICT', `A ${connection.provider} connection with alias "${connection.alias}" exists`);
      throw error;
    }
  }

  private insertRows(connection: NewConnection): Promise<ConnectionRecord> {
    return this.db.transaction(async (manager) => {
      const rows: Row[] = await sqlRows(
        manager,
        `INSERT INTO auth.connections (id, tenant_id, provider, alias, status, auth_mode, metadata, account_key, credential_version)
           VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, 1) RETURNING *`,
        [
          connection.id,
          connection.tenantId,
          connection.provider,
          connection.alias,
          connection.authMode,
          JSON.stringify(connection.metadata),
          connection.accountKey,
        ],
      );
      await sqlRows(
        manager,
        `INSERT INTO auth.credentials (connection_id, tenant_id, version, key_id, secrets, token_type, access_expires_at, refresh_expires_at)
           VALUES ($1, $2, 1, $3, $4, $5, $6, $7)`,
        credentialParams(connection),
      );
      return toRecord(first(rows));
    });
  }

  /** Replaces the credentials of an existing connection (OAuth reconnect) and reactivates it. */
  async reconnect(connection: NewConnection): Promise<ConnectionRecord> {
    const record = await this.db.transaction(async (manager) => {
      const rows: Row[] = await sqlRows(
        manager,
        `UPDATE auth.connections SET status = 'active', status_reason = NULL, auth_mode = $2, metadata = $3,
           account_key = $4, credential_version = credential_version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
        [connection.id, connection.authMode, JSON.stringify(connection.metadata), connection.accountKey],
      );
      const record = toRecord(first(rows));
      await sqlRows(
        manager,
        `INSERT INTO auth.credentials (connection_id, tenant_id, version, key_id, secrets, token_type, access_expires_at, refresh_expires_at)
         VALUES ($1, $2, $8, $3, $4, $5, $6, $7)
         ON CONFLICT (connection_id) DO UPDATE SET version = EXCLUDED.version, key_id = EXCLUDED.key_id, secrets = EXCLUDED.secrets,
           token_type = EXCLUDED.token_type, access_expires_at = EXCLUDED.access_expires_at,
           refresh_expires_at = EXCLUDED.refresh_expires_at, lease_owner = NULL, lease_until = NULL, updated_at = now()`,
        [...credentialParams(connection), record.credentialVersion],
      );
      return record;
    });
    return this.announced(record, 'reconnected');
  }

  /** The connections, in every tenant, of one provider account, with their status (app-level webhook routing). */
  async findByAccount(
    provider: string,
    accountKey: string,
  ): Promise<{ tenantId: string; connectionId: string; status: string }[]> {
    return sqlRows(
      this.db,
      `SELECT tenant_id AS "tenantId", id AS "connectionId", status FROM auth.connections
       WHERE provider = $1 AND account_key = $2 ORDER BY tenant_id, id LIMIT 1000`,
      [provider, accountKey],
    );
  }

  /** The connection holding this alias (only when it has `status`, if given). */
  async findIdByAlias(tenantId: string, provider: string, alias: string, status?: string): Promise<string | undefined> {
    const rows: { id: string }[] = await sqlRows(
      this.db,
      `SELECT id FROM auth.connections WHERE tenant_id = $1 AND provider = $2 AND alias = $3
         AND ($4::text IS NULL OR status = $4)`,
      [tenantId, provider, alias, status ?? null],
    );
    return rows[0]?.id;
  }

  /** One connection of a tenant with its sealed credential; another tenant's is undefined, like a missing one. */
  async findSnapshot(connectionId: string, tenantId?: string): Promise<ConnectionSnapshot | undefined> {
    const rows: Row[] =
      tenantId === undefined
        ? await sqlRows(this.db, `${SNAPSHOT_SQL} WHERE c.id = $1`, [connectionId])
        : await sqlRows(this.db, `${SNAPSHOT_SQL} WHERE c.id = $1 AND c.tenant_id = $2`, [connectionId, tenantId]);
    const row = rows[0];
    if (!row) return undefined;
    const credential =
      row.version === null || row.version === undefined
        ? null
        : {
            version: row.version,
            keyId: row.key_id ?? '',
            secrets: row.secrets ?? {},
            tokenType: row.token_type ?? 'bearer',
            accessExpiresAt: row.access_expires_at ?? null,
            refreshExpiresAt: row.refresh_expires_at ?? null,
          };
    return { connection: toRecord(row), credential };
  }

  async listForTenant(tenantId: string | undefined, provider?: string): Promise<ConnectionRecord[]> {
    const rows: Row[] = await sqlRows(
      this.db,
      `SELECT * FROM auth.connections WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR provider = $2)
       ORDER BY tenant_id, provider, alias`,
      [tenantId ?? null, provider ?? null],
    );
    return rows.map(toRecord);
  }

  async setStatus(connectionId: string, status: ConnectionStatus, reason: string | null): Promise<void> {
    const rows: Row[] = await sqlRows(
      this.db,
      `UPDATE auth.connections SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1 RETURNING *`,
      [connectionId, status, reason],
    );
    for (const row of rows) this.announced(toRecord(row), reason);
  }

  /**
   * Marks an active connection `needs_reauth` after the provider revoked it, unless its credentials were stored after
   * `receivedAt` (reconnected since). True when this call changed it.
   */
  async markRevokedAtProvider(
    key: { tenantId: string; connectionId: string; provider: string },
    receivedAt: Date,
  ): Promise<boolean> {
    const rows = await sqlRows<Row>(
      this.db,
      `UPDATE auth.connections c SET status = 'needs_reauth', status_reason = 'revoked_at_provider', updated_at = now()
       FROM auth.credentials cr
       WHERE c.id = $1 AND c.tenant_id = $2 AND c.provider = $3 AND c.status = 'active'
         AND cr.connection_id = c.id AND cr.updated_at <= $4
       RETURNING c.*`,
      [key.connectionId, key.tenantId, key.provider, receivedAt],
    );
    for (const row of rows) this.announced(toRecord(row), 'revoked_at_provider');
    return rows.length > 0;
  }

  /** Disconnect: the secrets are deleted, the connection row stays as `revoked` for the audit trail. */
  async eraseSecrets(connectionId: string): Promise<void> {
    const rows = await this.db.transaction(async (manager) => {
      await sqlRows(manager, `DELETE FROM auth.credentials WHERE connection_id = $1`, [connectionId]);
      return sqlRows<Row>(
        manager,
        `UPDATE auth.connections SET status = 'revoked', status_reason = 'disconnected', credential_version = credential_version + 1,
           updated_at = now() WHERE id = $1 RETURNING *`,
        [connectionId],
      );
    });
    for (const row of rows) this.announced(toRecord(row), 'disconnected');
  }

  /** `reason` given: a status change, which is also a `needs_reauth` alert (fired or resolved). */
  private announced(record: ConnectionRecord, reason?: string | null): ConnectionRecord {
    this.events.changed(
      {
        tenantId: record.tenantId,
        connectionId: record.id,
        provider: record.provider,
        status: record.status,
        ...(record.accountKey !== null ? { accountKey: record.accountKey } : {}),
      },
      reason,
    );
    return record;
  }
}

function credentialParams(connection: NewConnection): unknown[] {
  return [
    connection.id,
    connection.tenantId,
    connection.sealed.keyId,
    JSON.stringify(connection.sealed.secrets),
    connection.tokenType,
    connection.accessExpiresAt,
    connection.refreshExpiresAt,
  ];
}

function toRecord(row: Row): ConnectionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    provider: row.provider,
    alias: row.alias,
    status: row.status,
    authMode: row.auth_mode,
    metadata: row.metadata,
    accountKey: row.account_key,
    credentialVersion: row.credential_version,
    lastRefreshedAt: row.last_refreshed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function first(rows: Row[]): Row {
  const row = rows[0];
  if (!row) throw new BusError('NOT_FOUND', 'Connection not found');
  return row;
}
