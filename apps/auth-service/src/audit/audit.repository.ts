import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlRows } from '../database/sql.js';

/** Credential events; `detail` carries ids, codes and counts only, never a secret. */
export type AuditEvent =
  | 'connection.created'
  | 'credential.refreshed'
  | 'credential.served'
  | 'credential.refresh_failed'
  | 'credential.refresh_fenced'
  | 'credential.needs_reauth'
  | 'connection.revoked'
  | 'connection.tested'
  | 'oauth.rejected'
  | 'credential.signed';

export interface AuditEntry {
  tenantId: string;
  connectionId: string | null;
  event: AuditEvent;
  actor: string;
  detail?: Record<string, string | number | boolean | null>;
}

@Injectable()
export class AuditRepository {
  private readonly logger = new Logger(AuditRepository.name);

  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry): Promise<void> {
    await sqlRows(
      this.db,
      `INSERT INTO auth.audit_log (tenant_id, connection_id, event, actor, detail) VALUES ($1, $2, $3, $4, $5)`,
      [entry.tenantId, entry.connectionId, entry.event, entry.actor, JSON.stringify(entry.detail ?? {})],
    );
  }

  /** For events that must not fail the caller's request (served); a lost row is logged, not thrown. */
  recordQuietly(entry: AuditEntry): void {
    this.record(entry).catch(() => this.logger.warn(`audit write failed for ${entry.event}`));
  }
}
