import { Injectable } from '@nestjs/common';
import type { AlertKind, AlertState, OpsAlert } from '@shelflink/contracts';
import { sqlRows, type SqlSource } from '@shelflink/database';
import { DataSource } from 'typeorm';

/** One alert's state: what `alerts list` shows and what a delivery carries. */
export interface AlertRow {
  kind: AlertKind;
  key: string;
  state: AlertState;
  tenantId: string | null;
  connectionId: string | null;
  provider: string | null;
  lastCause: string;
  count: number;
  firingSince: Date;
  resolvedAt: Date | null;
  updatedAt: Date;
}

const COLUMNS = `kind, key, state, tenant_id AS "tenantId", connection_id AS "connectionId", provider,
  last_cause AS "lastCause", count, firing_since AS "firingSince", resolved_at AS "resolvedAt", updated_at AS "updatedAt"`;

/** `sync.alerts`: one row per (kind, key); every change is one statement, so replicas never lose an observation. */
@Injectable()
export class AlertStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A firing observation. A new incident (no row, or one announced resolved) starts at count 1; one already firing
   * counts it and drops a held resolution. The row comes back either way: count 1 means "announce it".
   */
  async fire(source: SqlSource, alert: OpsAlert): Promise<AlertRow> {
    const [row] = await sqlRows<AlertRow>(
      source,
      `INSERT INTO sync.alerts AS a (kind, key, state, tenant_id, connection_id, provider, last_cause, count,
                                     firing_since, last_fired_at, updated_at)
       VALUES ($1, $2, 'firing', $3, $4, $5, $6, 1, now(), $7, now())
       ON CONFLICT (kind, key) DO UPDATE SET
         count = CASE WHEN a.state = 'firing' THEN a.count + 1 ELSE 1 END,
         firing_since = CASE WHEN a.state = 'firing' THEN a.firing_since ELSE now() END,
         resolved_at = CASE WHEN a.state = 'firing' THEN a.resolved_at ELSE NULL END,
         state = 'firing', resolving_since = NULL, last_cause = EXCLUDED.last_cause,
         last_fired_at = greatest(a.last_fired_at, EXCLUDED.last_fired_at), updated_at = now(),
         tenant_id = coalesce(EXCLUDED.tenant_id, a.tenant_id),
         connection_id = coalesce(EXCLUDED.connection_id, a.connection_id),
         provider = coalesce(EXCLUDED.provider, a.provider)
       RETURNING ${COLUMNS}`,
      [
        alert.kind,
        alert.key,
        alert.tenantId ?? null,
        alert.connectionId ?? null,
        alert.provider ?? null,
        alert.cause,
        alert.at,
      ],
    );
    if (!row) throw new Error(`alert ${alert.kind} ${alert.key} was not written`);
    return row;
  }

  /**
   * A resolved observation starts the hold of a firing alert, unless a later firing observation supersedes it. Nothing
   * is announced here: {@link resolveHeld} does, once the hold passed without a new fire.
   */
  async startResolving(alert: OpsAlert): Promise<boolean> {
    const rows = await sqlRows<{ key: string }>(
      this.dataSource,
      `UPDATE sync.alerts SET resolving_since = coalesce(resolving_since, now()), last_cause = $3, updated_at = now()
       WHERE kind = $1 AND key = $2 AND state = 'firing' AND last_fired_at <= $4
       RETURNING key`,
      [alert.kind, alert.key, alert.cause, alert.at],
    );
    return rows.length > 0;
  }

  /** Announces resolved every alert whose resolution was held `holdMs` without a new fire; each row once. */
  resolveHeld(source: SqlSource, holdMs: number): Promise<AlertRow[]> {
    return sqlRows<AlertRow>(
      source,
      `UPDATE sync.alerts SET state = 'resolved', resolved_at = now(), resolving_since = NULL, updated_at = now()
       WHERE state = 'firing' AND resolving_since <= now() - make_interval(secs => $1::float8 / 1000)
       RETURNING ${COLUMNS}`,
      [holdMs],
    );
  }

  /** Most recently changed first; `tenantId` undefined lists every tenant's and those of no tenant. */
  list(filter: { tenantId?: string; state?: AlertState; kind?: AlertKind; limit: number }): Promise<AlertRow[]> {
    return sqlRows<AlertRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM sync.alerts
       WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR kind = $3)
       ORDER BY updated_at DESC, kind, key LIMIT $4`,
      [filter.tenantId ?? null, filter.state ?? null, filter.kind ?? null, filter.limit],
    );
  }
}
