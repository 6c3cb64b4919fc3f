import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SyncConfig } from '../config/sync.config.js';
import { syncOldestSuccessAge, syncStaleStreams } from '../sync.metrics.js';
import { ScheduleRepository } from './schedule.repository.js';

/**
 * Refreshes the staleness gauges on a timer rather than in the scrape, so /metrics never waits on Postgres; every
 * replica reports the same schedules (aggregate with max, not sum).
 */
@Injectable()
export class StalenessMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StalenessMonitor.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh(), this.config.SYNC_STALENESS_METRICS_INTERVAL_MS);
    void this.refresh();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      const { stale, oldestSuccessAgeSeconds } = await this.schedules.staleness();
      syncStaleStreams.set(stale);
      syncOldestSuccessAge.set(oldestSuccessAgeSeconds);
    } catch (error) {
      this.logger.warn(`staleness metrics not refreshed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
