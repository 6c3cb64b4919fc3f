import { Injectable } from '@nestjs/common';
import { sqlRows, type SqlSource } from '@shelflink/database';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AlertRow } from './alert-state.repository.js';

/** The body every target gets: Standard Webhooks' `{type, timestamp, data}`. */
export interface AlertDeliveryPayload {
  type: 'alert.firing' | 'alert.resolved';
  timestamp: string;
  data: {
    kind: string;
    key: string;
    state: string;
    tenantId: string | null;
    connectionId: string | null;
    provider: string | null;
    cause: string;
    count: number;
    firingSince: string;
    resolvedAt: string | null;
  };
}

export interface DueDelivery {
  id: string;
  target: string;
  attempts: number;
  payload: AlertDeliveryPayload;
}

/** The delivery outbox `sync.alert_deliveries`: written with the announcement, leased while a replica sends. */
@Injectable()
export class AlertDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One pending delivery per target, in the announcing transaction. */
  async enqueue(source: SqlSource, alert: AlertRow, targets: readonly string[]): Promise<void> {
    if (targets.length === 0) return;
    const payload = JSON.stringify(payloadOf(alert));
    await sqlRows(
      source,
      `INSERT INTO sync.alert_deliveries (id, target, kind, key, state, payload)
       SELECT unnest($1::uuid[]), unnest($2::text[]), $3, $4, $5, $6::jsonb`,
      [targets.map(() => randomUUID()), targets, alert.kind, alert.key, alert.state, payload],
    );
  }

  /** Takes up to `limit` due deliveries for `leaseMs`: a replica that dies mid-send leaves them due again after it. */
  claimDue(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    return sqlRows<DueDelivery>(
      this.dataSource,
      `UPDATE sync.alert_deliveries d SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
       WHERE d.id IN (SELECT id FROM sync.alert_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING d.id, d.target, d.attempts, d.payload`,
      [limit, leaseMs],
    );
  }

  async delivered(id: string): Promise<void> {
    await sqlRows(
      this.dataSource,
      `UPDATE sync.alert_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
         last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  /** A failed attempt: due again after `retryInMs`, or given up (`failed`) when undefined. */
  async attemptFailed(id: string, error: string, retryInMs: number | undefined): Promise<void> {
    await sqlRows(
      this.dataSource,
      `UPDATE sync.alert_deliveries SET attempts = attempts + 1, last_error = $2,
         status = CASE WHEN $3::float8 IS NULL THEN 'failed' ELSE 'pending' END,
         next_attempt_at = now() + make_interval(secs => coalesce($3::float8, 0) / 1000)
       WHERE id = $1`,
      [id, error.slice(0, 300), retryInMs ?? null],
    );
  }
}

function payloadOf(alert: AlertRow): AlertDeliveryPayload {
  return {
    type: alert.state === 'firing' ? 'alert.firing' : 'alert.resolved',
    timestamp: alert.updatedAt.toISOString(),
    data: {
      kind: alert.kind,
      key: alert.key,
      state: alert.state,
      tenantId: alert.tenantId,
      connectionId: alert.connectionId,
      provider: alert.provider,
      cause: alert.lastCause,
      count: alert.count,
      firingSince: alert.firingSince.toISOString(),
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    },
  };
}
