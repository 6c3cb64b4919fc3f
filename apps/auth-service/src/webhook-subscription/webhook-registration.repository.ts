import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { webhookRegistrationView } from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { DataSource } from 'typeorm';

/** A connection whose subscriptions are due for a check. */
export interface DueRegistration {
  connectionId: string;
  tenantId: string;
  attempts: number;
}

type RegistrationView = z.infer<typeof webhookRegistrationView>;

interface DueRow {
  connection_id: string;
  tenant_id: string;
  attempts: number;
}

function toDue(row: DueRow): DueRegistration {
  return { connectionId: row.connection_id, tenantId: row.tenant_id, attempts: row.attempts };
}

interface Row {
  state: RegistrationView['state'];
  topics: string[];
  last_error: string | null;
  attempts: number;
  synced_at: Date | null;
  next_check_at: Date;
}

/** Rows of `auth.webhook_registrations`: what the reconcile job claims and what a sync records. */
@Injectable()
export class WebhookRegistrationRepository {
  constructor(private readonly db: DataSource) {}

  /** Due at `at` (now, after a connect): a new or reconnected connection is synced at once and then kept in check. */
  async schedule(connection: { id: string; tenantId: string; provider: string }, at: Date): Promise<void> {
    await sqlRows(
      this.db,
      `INSERT INTO auth.webhook_registrations (connection_id, tenant_id, provider, state, next_check_at)
       VALUES ($1, $2, $3, 'pending', $4)
       ON CONFLICT (connection_id) DO UPDATE SET state = 'pending', attempts = 0, next_check_at = $4`,
      [connection.id, connection.tenantId, connection.provider, at],
    );
  }

  /** Rows for the provider's active connections that have none (connected before this table, or a lost schedule). */
  async adoptMissing(provider: string, at: Date): Promise<number> {
    const rows = await sqlRows<{ connection_id: string }>(
      this.db,
      `INSERT INTO auth.webhook_registrations (connection_id, tenant_id, provider, state, next_check_at)
       SELECT c.id, c.tenant_id, c.provider, 'pending', $2 FROM auth.connections c
       WHERE c.provider = $1 AND c.status = 'active' AND c.auth_mode <> 'none'
         AND NOT EXISTS (SELECT 1 FROM auth.webhook_registrations r WHERE r.connection_id = c.id)
       ON CONFLICT (connection_id) DO NOTHING RETURNING connection_id`,
      [provider, at],
    );
    return rows.length;
  }

  /** Claims up to `limit` due rows across replicas: each is pushed to `leaseUntil` so no other replica takes it. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<DueRegistration[]> {
    const rows = await sqlRows<DueRow>(
      this.db,
      `UPDATE auth.webhook_registrations SET next_check_at = $2
       WHERE connection_id IN (
         SELECT connection_id FROM auth.webhook_registrations WHERE next_check_at <= $1
         ORDER BY next_check_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING connection_id, tenant_id, attempts`,
      [now, leaseUntil, limit],
    );
    return rows.map(toDue);
  }

  /** Claims one connection's row if it is due (so a connect's immediate sync and a reconcile tick never overlap). */
  async claimOne(connectionId: string, now: Date, leaseUntil: Date): Promise<DueRegistration[]> {
    const rows = await sqlRows<DueRow>(
      this.db,
      `UPDATE auth.webhook_registrations SET next_check_at = $3 WHERE connection_id = $1 AND next_check_at <= $2
       RETURNING connection_id, tenant_id, attempts`,
      [connectionId, now, leaseUntil],
    );
    return rows.map(toDue);
  }

  async recordSynced(connectionId: string, topics: readonly string[], at: Date, nextCheckAt: Date): Promise<void> {
    await sqlRows(
      this.db,
      `UPDATE auth.webhook_registrations
       SET state = 'synced', topics = $2, last_error = NULL, attempts = 0, synced_at = $3, next_check_at = $4
       WHERE connection_id = $1`,
      [connectionId, JSON.stringify(topics), at, nextCheckAt],
    );
  }

  /** `code` is a stable error code, never a provider's message. */
  async recordFailed(connectionId: string, code: string, nextCheckAt: Date): Promise<void> {
    await sqlRows(
      this.db,
      `UPDATE auth.webhook_registrations SET state = 'failed', last_error = $2, attempts = attempts + 1,
       next_check_at = $3 WHERE connection_id = $1`,
      [connectionId, code, nextCheckAt],
    );
  }

  /**
   * Runs `work` holding the connection's subscription lock, so a sync and a disconnect's removal never interleave at
   * the provider; `registered` says whether its row exists under the lock. A transaction-scoped advisory lock:
   * pgbouncer's transaction mode keeps it, and other statements on the row are not blocked by it.
   */
  async exclusively<T>(connectionId: string, work: (registered: boolean) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `webhook-subscriptions:${connectionId}`,
      ]);
      const rows: unknown[] = await manager.query(`SELECT 1 FROM auth.webhook_registrations WHERE connection_id = $1`, [
        connectionId,
      ]);
      return work(rows.length > 0);
    });
  }

  async remove(connectionId: string): Promise<void> {
    await sqlRows(this.db, `DELETE FROM auth.webhook_registrations WHERE connection_id = $1`, [connectionId]);
  }

  async find(connectionId: string): Promise<RegistrationView | null> {
    const [row] = await sqlRows<Row>(
      this.db,
      `SELECT state, topics, last_error, attempts, synced_at, next_check_at
       FROM auth.webhook_registrations WHERE connection_id = $1`,
      [connectionId],
    );
    if (!row) return null;
    return {
      state: row.state,
      topics: row.topics,
      lastError: row.last_error,
      attempts: row.attempts,
      syncedAt: row.synced_at?.toISOString() ?? null,
      nextCheckAt: row.next_check_at.toISOString(),
    };
  }
}
