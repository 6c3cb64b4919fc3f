import { Injectable } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
import { DataSource } from 'typeorm';

export interface ConnectPageRecord {
  id: string;
  tenantId: string;
  alias: string;
  allowedProviders: string[] | null;
  returnUrl: string | null;
  expiresAt: Date;
  consumedAt: Date | null;
  /** Judged by the database's clock, the one that wrote `expiresAt`. */
  expired: boolean;
}

interface Row {
  id: string;
  tenant_id: string;
  alias: string;
  allowed_providers: string[] | null;
  return_url: string | null;
  expires_at: Date;
  consumed_at: Date | null;
  expired: boolean;
}

@Injectable()
export class ConnectPageRepository {
  constructor(private readonly db: DataSource) {}

  async insert(page: Omit<ConnectPageRecord, 'expiresAt' | 'consumedAt' | 'expired'>, ttlSeconds: number) {
    const rows: { expires_at: Date }[] = await sqlRows(
      this.db,
      `INSERT INTO auth.connect_pages (id, tenant_id, alias, allowed_providers, return_url, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING expires_at`,
      [
        page.id,
        page.tenantId,
        page.alias,
        page.allowedProviders === null ? null : JSON.stringify(page.allowedProviders),
        page.returnUrl,
        ttlSeconds,
      ],
    );
    const expiresAt = rows[0]?.expires_at;
    if (!expiresAt) throw new Error('the connect page was not stored');
    return expiresAt;
  }

  async find(id: string): Promise<ConnectPageRecord | undefined> {
    const rows: Row[] = await sqlRows(
      this.db,
      `SELECT *, expires_at <= now() AS expired FROM auth.connect_pages WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Single use: true only for the first caller, and never for an expired page. */
  async consume(id: string): Promise<boolean> {
    const rows: unknown[] = await sqlRows(
      this.db,
      `UPDATE auth.connect_pages SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL AND expires_at > now()
       RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}

function toRecord(row: Row): ConnectPageRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    alias: row.alias,
    allowedProviders: row.allowed_providers,
    returnUrl: row.return_url,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    expired: row.expired,
  };
}
