import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@shelflink/runtime';
import { SyncConfig } from '../config/sync.config.js';
import { syncOldestSuccessAge, syncStaleStreams } from '../metrics/sync.metrics.js';
import { ScheduleRepository } from './schedule.repository.js';

/**
 * Refreshes the staleness gauges on a timer rather than in the scrape, so /metrics never waits on Postgres; every
 * replica reports the same schedules (aggregate with max, not sum).
 */
@Injectable()
export class StalenessMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly refresher = new PeriodicTask(
    'staleness metrics refresh',
    () => this.refresh(),
    new Logger(StalenessMonitor.name),
  );

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.refresher.start(this.config.SYNC_STALENESS_METRICS_INTERVAL_MS, { immediately: true });
  }

  onApplicationShutdown(): void {
    this.refresher.stop();
  }

  private async refresh(): Promise<void> {
    const { stale, oldestSuccessAgeSeconds } = await this.schedules.staleness();
    syncStaleStreams.set(stale);
    syncOldestSuccessAge.set(oldestSuccessAgeSeconds);
  }
}
