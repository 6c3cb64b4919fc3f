import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlRows } from '@shelflink/database';
import type { SealedFields } from './vault.service.js';

/** A refreshed credential to write back under the version fence. */
export interface RefreshedCredential {
  sealed: SealedFields;
  tokenType: string;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

/**
 * Fenced refresh without long transactions or advisory locks: a short lease row update, then (outside any
 * transaction) the provider call, then one statement that writes only if the version and lease are still ours.
 */
@Injectable()
export class CredentialRepository {
  constructor(private readonly db: DataSource) {}

  async tryAcquireLease(connectionId: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows: unknown[] = await sqlRows(
      this.db,
      `UPDATE auth.credentials SET lease_owner = $2, lease_until = now() + ($3::int * interval '1 millisecond')
       WHERE connection_id = $1 AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2) RETURNING 1`,
      [connectionId, owner, leaseMs],
    );
    return rows.length > 0;
  }

  async releaseLease(connectionId: string, owner: string): Promise<void> {
    await sqlRows(
      this.db,
      `UPDATE auth.credentials SET lease_owner = NULL, lease_until = NULL WHERE connection_id = $1 AND lease_owner = $2`,
      [connectionId, owner],
    );
  }

  /** Writes the new secrets (rotated refresh token included) iff nobody wrote since `expectedVersion`; new version or undefined. */
  async writeRefreshed(
    connectionId: string,
    owner: string,
    expectedVersion: number,
    refreshed: RefreshedCredential,
  ): Promise<number | undefined> {
    const rows: { version: number }[] = await sqlRows(
      this.db,
      `WITH updated AS (
         UPDATE auth.credentials SET version = version + 1, key_id = $4, secrets = $5, token_type = $6,
           access_expires_at = $7, refresh_expires_at = COALESCE($8, refresh_expires_at),
           lease_owner = NULL, lease_until = NULL, updated_at = now()
         WHERE connection_id = $1 AND version = $2 AND lease_owner = $3 RETURNING connection_id, version)
       UPDATE auth.connections c SET credential_version = updated.version, last_refreshed_at = now(), updated_at = now()
       FROM updated WHERE c.id = updated.connection_id RETURNING updated.version`,
      [
        connectionId,
        expectedVersion,
        owner,
        refreshed.sealed.keyId,
        JSON.stringify(refreshed.sealed.secrets),
        refreshed.tokenType,
        refreshed.accessExpiresAt,
        refreshed.refreshExpiresAt,
      ],
    );
    return rows[0]?.version;
  }

  /** Rows still sealed under a key other than `activeKeyId` (rotation work list). */
  async findNotUnderKey(
    activeKeyId: string,
    limit: number,
  ): Promise<{ connectionId: string; tenantId: string; version: number; secrets: Record<string, string> }[]> {
    const rows: { connection_id: string; tenant_id: string; version: number; secrets: Record<string, string> }[] =
      await sqlRows(
        this.db,
        `SELECT connection_id, tenant_id, version, secrets FROM auth.credentials WHERE key_id <> $1 ORDER BY connection_id LIMIT $2`,
        [activeKeyId, limit],
      );
    return rows.map((row) => ({
      connectionId: row.connection_id,
      tenantId: row.tenant_id,
      version: row.version,
      secrets: row.secrets,
    }));
  }

  /** Rewrapped secrets (same plaintext, new key); skipped when a refresh wrote meanwhile (it sealed under the active key). */
  async writeRewrapped(connectionId: string, version: number, sealed: SealedFields): Promise<boolean> {
    const rows: unknown[] = await sqlRows(
      this.db,
      `UPDATE auth.credentials SET key_id = $3, secrets = $4 WHERE connection_id = $1 AND version = $2 RETURNING 1`,
      [connectionId, version, sealed.keyId, JSON.stringify(sealed.secrets)],
    );
    return rows.length > 0;
  }

  async countByKey(): Promise<Record<string, number>> {
    const rows: { key_id: string; count: string }[] = await sqlRows(
      this.db,
      `SELECT key_id, count(*)::text AS count FROM auth.credentials GROUP BY key_id`,
    );
    return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
  }

  /** Connections whose refresh tokens die after idleness, not refreshed since `before` (keep-alive job). */
  async findIdleRefreshable(before: Date, limit: number): Promise<{ connectionId: string; tenantId: string }[]> {
    const rows: { id: string; tenant_id: string }[] = await sqlRows(
      this.db,
      `SELECT c.id, c.tenant_id FROM auth.connections c JOIN auth.credentials cr ON cr.connection_id = c.id
       WHERE c.status = 'active' AND c.auth_mode = 'oauth2' AND cr.secrets ? 'refreshToken'
         AND (COALESCE(c.last_refreshed_at, c.created_at) < $1 OR cr.refresh_expires_at < now() + interval '7 days')
       ORDER BY c.last_refreshed_at NULLS FIRST LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => ({ connectionId: row.id, tenantId: row.tenant_id }));
  }
}
