import { Injectable } from '@nestjs/common';
import { BusError, type RecordEntity, type SyncScheduleView } from '@shelflink/contracts';
import { SyncConfig } from '../config/sync.config.js';
import { SyncRunService } from '../sync-run/sync-run.service.js';
import { ScheduleRepository, type ScheduleRow } from '../schedule/schedule.repository.js';

/** What admins see and change of the schedules: intervals and pauses per connection and stream. */
@Injectable()
export class ScheduleAdmin {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly runs: SyncRunService,
    private readonly config: SyncConfig,
  ) {}

  async list(tenantId: string, connectionId?: string): Promise<SyncScheduleView[]> {
    return (await this.schedules.listForTenant(tenantId, connectionId)).map(toScheduleView);
  }

  /** @throws BusError NOT_FOUND for another tenant's connection, CONFLICT for a stream its provider does not have. */
  async configure(request: {
    tenantId: string;
    connectionId: string;
    stream: RecordEntity;
    intervalSeconds?: number;
    paused?: boolean;
  }): Promise<SyncScheduleView> {
    const streams = await this.runs.syncableStreams(request.tenantId, request.connectionId);
    if (!streams.includes(request.stream))
      throw new BusError('CONFLICT', `This connection's provider has no ${request.stream} stream`);
    const row = await this.schedules.configure({
      ...request,
      defaultIntervalSeconds: this.config.SYNC_DEFAULT_INTERVAL_SECONDS,
    });
    return toScheduleView(row);
  }
}

function toScheduleView(row: ScheduleRow): SyncScheduleView {
  return {
    connectionId: row.connectionId,
    stream: row.stream as RecordEntity,
    intervalSeconds: row.intervalSeconds,
    paused: row.paused,
    nextRunAt: row.nextRunAt.toISOString(),
    lastSucceededAt: row.lastSucceededAt?.toISOString() ?? null,
  };
}
