import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlRows } from '@shelflink/database';
import { DataSource } from 'typeorm';

export interface DeadLetterRow {
  eventId: string;
  tenantId: string;
  provider: string;
  connectionId: string;
  eventType: string;
  attempts: number;
  lastError: string;
  deadAt: Date;
}

/** Dead letters, always read per tenant. */
@Injectable()
export class DeadLetterRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  listForTenant(tenantId: string, limit: number): Promise<DeadLetterRow[]> {
    return sqlRows<DeadLetterRow>(
      this.dataSource,
      `SELECT d.event_id AS "eventId", d.tenant_id AS "tenantId", e.provider, e.connection_id AS "connectionId",
         e.event_type AS "eventType", d.attempts, d.last_error AS "lastError", d.dead_at AS "deadAt"
       FROM "webhook"."dead_letters" d JOIN "webhook"."received_events" e ON e.id = d.event_id
       WHERE d.tenant_id = $1 ORDER BY d.dead_at DESC LIMIT $2`,
      [tenantId, limit],
    );
  }

  /** Per tenant with any: how many dead letters, and when the newest died (every tenant's: an operator alert). */
  countsByTenant(): Promise<{ tenantId: string; count: number; newestAt: Date }[]> {
    return sqlRows(
      this.dataSource,
      `SELECT tenant_id AS "tenantId", count(*)::int AS count, max(dead_at) AS "newestAt"
       FROM "webhook"."dead_letters" GROUP BY tenant_id ORDER BY tenant_id LIMIT 10000`,
    );
  }

  async idsForTenant(tenantId: string, only?: readonly string[]): Promise<string[]> {
    const rows = await sqlRows<{ eventId: string }>(
      this.dataSource,
      `SELECT event_id AS "eventId" FROM "webhook"."dead_letters" WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR event_id = ANY($2))`,
      [tenantId, only ?? null],
    );
    return rows.map((row) => row.eventId);
  }
}
