import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertPublisher } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { SyncConfig } from '../config/sync.config.js';
import { syncOldestSuccessAge, syncStaleStreams } from '../metrics/sync.metrics.js';
import { ScheduleRepository } from './schedule.repository.js';
import { StaleStreamAlerts } from './stale-stream.alerts.js';

// The stale streams one refresh turns into alerts; past this many, the gauge still counts them all.
const STALE_ALERTS_MAX = 1_000;

/**
 * Refreshes the staleness gauges on a timer rather than in the scrape, so /metrics never waits on Postgres; every
 * replica reports the same schedules (aggregate with max, not sum). A stream that goes stale is a `stream_stale` alert.
 */
@Injectable()
export class StalenessMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly refresher = new PeriodicTask(
    'staleness metrics refresh',
    () => this.refresh(),
    new Logger(StalenessMonitor.name),
  );

  private readonly staleAlerts: StaleStreamAlerts;

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly config: SyncConfig,
    alerts: AlertPublisher,
  ) {
    this.staleAlerts = new StaleStreamAlerts(alerts);
  }

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
    this.staleAlerts.update(stale === 0 ? [] : await this.schedules.staleStreams(STALE_ALERTS_MAX));
  }
}
