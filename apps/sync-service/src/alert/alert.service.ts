import { Injectable } from '@nestjs/common';
import type { AlertKind, AlertState, AlertView, OpsAlert } from '@shelflink/contracts';
import { DataSource } from 'typeorm';
import type { AlertTarget } from '../config/alert-targets.config.js';
import { SyncConfig } from '../config/sync.config.js';
import { AlertDeliveryRepository } from './alert-delivery.repository.js';
import { AlertStateRepository, type AlertRow } from './alert-state.repository.js';

/** What one observation did to its alert. */
export type ObservationOutcome = 'announced' | 'counted' | 'resolving' | 'ignored';

/**
 * The alert states and their announcements. A fire is announced at once, once per incident; later fires only count.
 * A resolution is held: announced once nothing fired for SYNC_ALERT_RESOLVE_HOLD_MS, so a condition that recovers and
 * comes back at once (a breaker's half-open probe failing) neither flaps nor announces twice.
 */
@Injectable()
export class AlertService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly states: AlertStateRepository,
    private readonly deliveries: AlertDeliveryRepository,
    private readonly config: SyncConfig,
  ) {}

  async observe(alert: OpsAlert): Promise<ObservationOutcome> {
    if (alert.state === 'resolved') return (await this.states.startResolving(alert)) ? 'resolving' : 'ignored';
    return this.dataSource.transaction(async (manager) => {
      const row = await this.states.fire(manager, alert);
      if (row.count !== 1) return 'counted';
      await this.deliveries.enqueue(manager, row, this.targetsFor(row));
      return 'announced';
    });
  }

  /** Announces the resolutions whose hold has passed; their deliveries are written in the same transaction. */
  resolveHeld(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.states.resolveHeld(manager, this.config.SYNC_ALERT_RESOLVE_HOLD_MS);
      for (const row of rows) await this.deliveries.enqueue(manager, row, this.targetsFor(row));
      return rows.length;
    });
  }

  async list(filter: { tenantId?: string; state?: AlertState; kind?: AlertKind; limit: number }): Promise<AlertView[]> {
    return (await this.states.list(filter)).map(toView);
  }

  /** Targets that take this announcement: their kinds, and Jira only for a fire (an issue per recovery is noise). */
  private targetsFor(row: AlertRow): string[] {
    return this.config.SYNC_ALERT_TARGETS.filter((target) => wants(target, row)).map((target) => target.name);
  }
}

function wants(target: AlertTarget, row: AlertRow): boolean {
  if (target.kinds && !target.kinds.includes(row.kind)) return false;
  return target.type === 'webhook' || row.state === 'firing';
}

function toView(row: AlertRow): AlertView {
  return {
    kind: row.kind,
    key: row.key,
    state: row.state,
    tenantId: row.tenantId,
    connectionId: row.connectionId,
    provider: row.provider,
    lastCause: row.lastCause,
    count: row.count,
    firingSince: row.firingSince.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
