import { Injectable, Logger } from '@nestjs/common';
import { WebhookConfig } from '../config/webhook.config.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { webhookBacklogEvents, webhookBacklogOldestSeconds, webhookDeadEvents } from '../webhook.metrics.js';

const BACKLOG_COUNT_CAP = 1_000_000;

/**
 * Refreshes the backlog gauges on a timer rather than in the scrape, so a slow or absent Postgres never slows
 * /metrics; every replica reports the same table (aggregate with max, not sum).
 */
@Injectable()
export class BacklogMonitor {
  private readonly logger = new Logger(BacklogMonitor.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: ReceivedEventRepository,
    private readonly config: WebhookConfig,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.config.WEBHOOK_BACKLOG_METRICS_INTERVAL_MS);
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      const backlog = await this.events.backlog(BACKLOG_COUNT_CAP);
      webhookBacklogEvents.set(backlog.unprocessed);
      webhookBacklogOldestSeconds.set(backlog.oldestWaitSeconds);
      webhookDeadEvents.set(backlog.dead);
    } catch (error) {
      this.logger.warn(`backlog metrics not refreshed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
