import { Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '@shelflink/runtime';
import { WebhookConfig } from '../config/webhook.config.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { webhookBacklogEvents, webhookBacklogOldestSeconds, webhookDeadEvents } from '../metrics/webhook.metrics.js';

const BACKLOG_COUNT_CAP = 1_000_000;

/**
 * Refreshes the backlog gauges on a timer rather than in the scrape, so a slow or absent Postgres never slows
 * /metrics; every replica reports the same table (aggregate with max, not sum).
 */
@Injectable()
export class BacklogMonitor {
  private readonly refresher = new PeriodicTask(
    'backlog metrics refresh',
    () => this.refresh(),
    new Logger(BacklogMonitor.name),
  );

  constructor(
    private readonly events: ReceivedEventRepository,
    private readonly config: WebhookConfig,
  ) {}

  start(): void {
    this.refresher.start(this.config.WEBHOOK_BACKLOG_METRICS_INTERVAL_MS, { immediately: true });
  }

  stop(): void {
    this.refresher.stop();
  }

  private async refresh(): Promise<void> {
    const backlog = await this.events.backlog(BACKLOG_COUNT_CAP);
    webhookBacklogEvents.set(backlog.unprocessed);
    webhookBacklogOldestSeconds.set(backlog.oldestWaitSeconds);
    webhookDeadEvents.set(backlog.dead);
  }
}
