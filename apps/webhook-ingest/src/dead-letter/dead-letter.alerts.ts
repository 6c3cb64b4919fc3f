import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertPublisher } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { WebhookConfig } from '../config/webhook.config.js';
import { DeadLetterRepository } from './dead-letter.repository.js';

/**
 * The `dead_letters` operator alert, per tenant: fires when a tenant's dead letters appear or grow, resolves when
 * they are all requeued. Every replica counts the same table; an observation's id is its count and newest death, so
 * JetStream keeps one of the replicas' identical ones.
 */
@Injectable()
export class DeadLetterAlerts implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadLetterAlerts.name);
  private readonly task = new PeriodicTask('dead letter alerts', () => this.check(), this.logger);
  /** What this replica last observed per tenant: `<count>@<newest>`. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly alerts: AlertPublisher,
    private readonly config: WebhookConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.WEBHOOK_ALERT_DEAD_LETTERS_INTERVAL_MS, { immediately: true });
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  async check(): Promise<void> {
    const counts = await this.deadLetters.countsByTenant();
    const now = new Set<string>();
    for (const { tenantId, count, newestAt } of counts) {
      now.add(tenantId);
      const observed = `${count}@${newestAt.toISOString()}`;
      if (this.seen.get(tenantId) === observed) continue;
      this.seen.set(tenantId, observed);
      this.publish(tenantId, 'firing', observed, `${count} webhook event(s) of tenant ${tenantId} are dead letters`);
    }
    for (const [tenantId, observed] of this.seen) {
      if (now.has(tenantId)) continue;
      this.seen.delete(tenantId);
      this.publish(tenantId, 'resolved', observed, `tenant ${tenantId} has no dead letters any more`);
    }
  }

  private publish(tenantId: string, state: 'firing' | 'resolved', observed: string, cause: string): void {
    void this.alerts.publish({
      id: `dead_letters:${tenantId}:${state}:${observed}`,
      kind: 'dead_letters',
      state,
      key: tenantId,
      tenantId,
      cause: `${cause} (npx shelflink deadletters list ${tenantId})`,
    });
  }
}
