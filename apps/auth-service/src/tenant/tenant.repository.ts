import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlRows } from '@shelflink/database';

export interface StoredApiKey {
  id: string;
  tenantId: string;
  hash: string;
}

@Injectable()
export class TenantRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the tenant unless it exists; true when created. */
  async upsertTenant(tenantId: string, name: string): Promise<boolean> {
    const rows: unknown[] = await sqlRows(
      this.db,
      `INSERT INTO auth.tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [tenantId, name],
    );
    return rows.length > 0;
  }

  /** The tenant's allowed return URLs; undefined for an unknown tenant. */
  async returnUrls(tenantId: string): Promise<string[] | undefined> {
    const rows: { urls: string[] }[] = await sqlRows(
      this.db,
      `SELECT connect_return_urls AS urls FROM auth.tenants WHERE id = $1`,
      [tenantId],
    );
    return rows[0]?.urls;
  }

  /** Replaces the tenant's allowed return URLs; false for an unknown tenant. */
  async setReturnUrls(tenantId: string, urls: string[]): Promise<boolean> {
    const rows: unknown[] = await sqlRows(
      this.db,
      `UPDATE auth.tenants SET connect_return_urls = $2 WHERE id = $1 RETURNING id`,
      [tenantId, JSON.stringify(urls)],
    );
    return rows.length > 0;
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const rows: unknown[] = await sqlRows(this.db, `SELECT 1 FROM auth.tenants WHERE id = $1`, [tenantId]);
    return rows.length > 0;
  }

  /** Stores a key hash; an existing prefix (bootstrap re-run) keeps its row. */
  async upsertApiKey(key: {
    id: string;
    tenantId: string;
    prefixId: string;
    hash: string;
    name: string;
  }): Promise<void> {
    await sqlRows(
      this.db,
      `INSERT INTO auth.api_keys (id, tenant_id, prefix_id, hash, name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (prefix_id) DO UPDATE SET hash = EXCLUDED.hash, tenant_id = EXCLUDED.tenant_id, revoked_at = NULL`,
      [key.id, key.tenantId, key.prefixId, key.hash, key.name],
    );
  }

  async findActiveKeyByPrefix(prefixId: string): Promise<StoredApiKey | undefined> {
    const rows: { id: string; tenant_id: string; hash: string }[] = await sqlRows(
      this.db,
      `SELECT id, tenant_id, hash FROM auth.api_keys WHERE prefix_id = $1 AND revoked_at IS NULL`,
      [prefixId],
    );
    const row = rows[0];
    return row ? { id: row.id, tenantId: row.tenant_id, hash: row.hash } : undefined;
  }
}
