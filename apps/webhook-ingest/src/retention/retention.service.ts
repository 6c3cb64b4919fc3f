import { Injectable, Logger } from '@nestjs/common';
import { Clock, PeriodicTask } from '@shelflink/runtime';
import { WebhookConfig } from '../config/webhook.config.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { UnroutableEventRepository } from '../unroutable/unroutable-event.repository.js';

const batchSize = 1_000;
const dayMs = 86_400_000;

/**
 * Prunes processed and unroutable events past retention (≥ 7 days, so dedup outlives every provider's retry schedule).
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private readonly pruner = new PeriodicTask('retention prune', () => this.pruneOnce(), this.logger);

  constructor(
    private readonly events: ReceivedEventRepository,
    private readonly unroutable: UnroutableEventRepository,
    private readonly config: WebhookConfig,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.pruner.start(this.config.WEBHOOK_PRUNE_INTERVAL_MS);
  }

  stop(): void {
    this.pruner.stop();
  }

  /** Deletes in batches until nothing old is left; returns the number removed. */
  async pruneOnce(now = this.clock.date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.WEBHOOK_RETENTION_DAYS * dayMs);
    let total = 0;
    try {
      for (let removed = batchSize; removed === batchSize; total += removed) {
        removed = await this.events.pruneProcessedBefore(cutoff, batchSize);
      }
      for (let removed = batchSize; removed === batchSize; total += removed) {
        removed = await this.unroutable.pruneBefore(cutoff, batchSize);
      }
    } catch (error) {
      this.logger.warn(`retention prune failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return total;
  }
}
