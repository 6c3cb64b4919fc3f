import { Injectable, Logger } from '@nestjs/common';
import type { AuditRecordRequest, ConnectionAuditResponse } from '@shelflink/contracts';
import { metricsRegistry } from '@shelflink/observability';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { sqlRows } from '@shelflink/database';

/** What operators alert on (refresh failures, needs_reauth, refused tokens) without reading the audit table. */
const auditEventsTotal = new Counter({
  name: 'shelflink_auth_audit_events_total',
  help: 'Credential and connection events written to the audit log by this process, by event',
  labelNames: ['event'] as const,
  registers: [metricsRegistry],
});

/** Credential events; `detail` carries ids, codes and counts only, never a secret. */
export type AuditEvent =
  | 'connection.created'
  | 'credential.refreshed'
  | 'credential.served'
  | 'credential.refresh_failed'
  | 'credential.refresh_fenced'
  | 'credential.refused'
  | 'credential.denied'
  | 'credential.needs_reauth'
  | 'connection.revoked'
  | 'connection.tested'
  | 'oauth.rejected'
  | 'credential.signed'
  | AuditRecordRequest['event'];

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
    auditEventsTotal.inc({ event: entry.event });
  }

  /** A connection's events, newest first, at most `limit`, older than entry `before` when given. */
  async listForConnection(
    tenantId: string,
    connectionId: string,
    page: { limit: number; before?: string },
  ): Promise<ConnectionAuditResponse> {
    const rows = await sqlRows<{ id: string; event: string; actor: string; detail: Record<string, never>; at: Date }>(
      this.db,
      `SELECT id::text AS id, event, actor, detail, created_at AS at FROM auth.audit_log
       WHERE tenant_id = $1 AND connection_id = $2 AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
      [tenantId, connectionId, page.before ?? null, page.limit + 1],
    );
    const entries = rows.slice(0, page.limit).map((row) => ({
      id: row.id,
      event: row.event,
      actor: row.actor,
      detail: row.detail,
      createdAt: row.at.toISOString(),
    }));
    return { entries, nextBefore: rows.length > page.limit ? (entries.at(-1)?.id ?? null) : null };
  }

  /** Deletes up to `limit` rows written before `cutoff`, oldest first; replicas pruning at once skip each other's. */
  async pruneBefore(cutoff: Date, limit: number): Promise<number> {
    const deleted = await sqlRows<{ id: string }>(
      this.db,
      `DELETE FROM auth.audit_log WHERE id IN (
         SELECT id FROM auth.audit_log WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [cutoff, limit],
    );
    return deleted.length;
  }

  /** For events that must not fail the caller's request (served); a lost row is logged, not thrown. */
  /** Writes without failing the caller; await it where the entry must be readable before the reply. */
  recordQuietly(entry: AuditEntry): Promise<void> {
    return this.record(entry).catch(() => this.logger.warn(`audit write failed for ${entry.event}`));
  }
}
