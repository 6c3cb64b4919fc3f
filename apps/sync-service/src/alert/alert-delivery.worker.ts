import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { describeUnexpected, metricsRegistry } from '@shelflink/observability';
import { backoffDelay } from '@shelflink/resilience';
import { PeriodicTask } from '@shelflink/runtime';
import { Counter } from 'prom-client';
import type { AlertTarget } from '../config/alert-targets.config.js';
import { SyncConfig } from '../config/sync.config.js';
import { AlertDeliveryRepository, type DueDelivery } from './alert-delivery.repository.js';
import { DeliveryFailed } from './alert-delivery.errors.js';
import { JiraAlertSender } from './jira-alert.sender.js';
import { WebhookAlertSender } from './webhook-alert.sender.js';

const BATCH = 20;

const deliveryAttempts = new Counter({
  name: 'shelflink_sync_alert_deliveries_total',
  help: 'Alert delivery attempts by target type and outcome (delivered, retry, failed)',
  labelNames: ['type', 'outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Sends due deliveries from the outbox. Each is leased while it is sent (longer than an attempt may take), so a
 * replica that dies mid-send leaves it to another; failures retry with full-jitter exponential backoff.
 */
@Injectable()
export class AlertDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertDeliveryWorker.name);
  private readonly task = new PeriodicTask('alert deliveries', () => this.deliverDue(), this.logger);

  constructor(
    private readonly deliveries: AlertDeliveryRepository,
    private readonly webhooks: WebhookAlertSender,
    private readonly jira: JiraAlertSender,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SYNC_ALERT_TARGETS.length > 0) this.task.start(this.config.SYNC_ALERT_TICK_MS);
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /** One pass: sends what is due, a batch at a time, until nothing is. */
  async deliverDue(): Promise<number> {
    const leaseMs = this.config.SYNC_ALERT_DELIVERY_TIMEOUT_MS * 3 + 30_000;
    let sent = 0;
    for (;;) {
      const due = await this.deliveries.claimDue(BATCH, leaseMs);
      await Promise.all(due.map((delivery) => this.deliver(delivery)));
      sent += due.length;
      if (due.length < BATCH) return sent;
    }
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const target = this.config.SYNC_ALERT_TARGETS.find((candidate) => candidate.name === delivery.target);
    if (!target) {
      await this.deliveries.attemptFailed(delivery.id, 'target no longer configured', undefined);
      return;
    }
    try {
      await this.send(target, delivery);
      await this.deliveries.delivered(delivery.id);
      deliveryAttempts.inc({ type: target.type, outcome: 'delivered' });
    } catch (error) {
      const failed = error instanceof DeliveryFailed ? error : undefined;
      const reason = failed?.message ?? describeUnexpected(error);
      const attempt = delivery.attempts + 1;
      const retryInMs =
        attempt >= this.config.SYNC_ALERT_DELIVERY_MAX_ATTEMPTS
          ? undefined
          : Math.max(this.retryDelay(delivery.attempts), failed?.retryNotBeforeMs ?? 0);
      await this.deliveries.attemptFailed(delivery.id, reason, retryInMs);
      deliveryAttempts.inc({ type: target.type, outcome: retryInMs === undefined ? 'failed' : 'retry' });
      this.logger.warn(`alert delivery ${delivery.id} to ${target.name}, attempt ${attempt}: ${reason}`);
    }
  }

  private send(target: AlertTarget, delivery: DueDelivery): Promise<void> {
    switch (target.type) {
      case 'webhook':
        return this.webhooks.send(target, delivery);
      case 'jira':
        return this.jira.send(target, delivery);
    }
  }

  private retryDelay(retryIndex: number): number {
    const { SYNC_ALERT_DELIVERY_BASE_MS: baseDelayMs, SYNC_ALERT_DELIVERY_MAX_DELAY_MS: maxDelayMs } = this.config;
    // Full jitter, but never sooner than a tenth of the cap: a storm of zero delays would hammer a dead receiver.
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** retryIndex);
    return Math.max(cap / 10, backoffDelay(retryIndex, { baseDelayMs, maxDelayMs }));
  }
}
