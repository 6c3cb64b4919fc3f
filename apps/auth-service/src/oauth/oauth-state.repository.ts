import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlRows } from '@shelflink/database';

export interface OAuthStateRecord {
  id: string;
  tenantId: string;
  provider: string;
  alias: string;
  metadata: Record<string, unknown>;
  scopes: string;
  redirectUri: string;
  pkceVerifier: string | null;
  returnUrl: string | null;
  expiresAt: Date;
  consumedAt: Date | null;
  /** Judged by the database's clock, the one that wrote `expiresAt` (a skewed service clock cannot shift the window). */
  expired: boolean;
}

/** What a new connect session stores; it expires `ttlSeconds` after now on the database's clock. */
export type NewOAuthState = Omit<OAuthStateRecord, 'consumedAt' | 'expiresAt' | 'expired'> & { ttlSeconds: number };

interface Row {
  id: string;
  tenant_id: string;
  provider: string;
  alias: string;
  metadata: Record<string, unknown>;
  scopes: string;
  redirect_uri: string;
  pkce_verifier: string | null;
  return_url: string | null;
  expires_at: Date;
  consumed_at: Date | null;
  expired: boolean;
}

@Injectable()
export class OAuthStateRepository {
  constructor(private readonly db: DataSource) {}

  /** Stores the session and returns when it expires. */
  async insert(state: NewOAuthState): Promise<Date> {
    const rows: { expires_at: Date }[] = await sqlRows(
      this.db,
      `INSERT INTO auth.oauth_states (id, tenant_id, provider, alias, metadata, scopes, redirect_uri, pkce_verifier, return_url, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10)) RETURNING expires_at`,
      [
        state.id,
        state.tenantId,
        state.provider,
        state.alias,
        JSON.stringify(state.metadata),
        state.scopes,
        state.redirectUri,
        state.pkceVerifier,
        state.returnUrl,
        state.ttlSeconds,
      ],
    );
    const expiresAt = rows[0]?.expires_at;
    if (!expiresAt) throw new Error('the connect session was not stored');
    return expiresAt;
  }

  async find(id: string): Promise<OAuthStateRecord | undefined> {
    const rows: Row[] = await sqlRows(
      this.db,
      `SELECT *, expires_at <= now() AS expired FROM auth.oauth_states WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Single use: only the first caller gets the row back; expired states are never consumed. */
  async consume(id: string): Promise<OAuthStateRecord | undefined> {
    const rows: Row[] = await sqlRows(
      this.db,
      `UPDATE auth.oauth_states SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL AND expires_at > now()
       RETURNING *, false AS expired`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Consumed and expired states are kept a day for replay diagnostics, then dropped. */
  async purgeOld(): Promise<void> {
    await sqlRows(this.db, `DELETE FROM auth.oauth_states WHERE expires_at < now() - interval '1 day'`);
  }
}

function toRecord(row: Row): OAuthStateRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    provider: row.provider,
    alias: row.alias,
    metadata: row.metadata,
    scopes: row.scopes,
    redirectUri: row.redirect_uri,
    pkceVerifier: row.pkce_verifier,
    returnUrl: row.return_url,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    expired: row.expired,
  };
}
