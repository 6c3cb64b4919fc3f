import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@shelflink/runtime';
import { AuthConfig } from '../config/auth.config.js';
import { AuditRepository } from './audit.repository.js';

const BATCH_SIZE = 1_000;
const DAY_MS = 86_400_000;

/** Deletes audit rows past `AUTH_AUDIT_RETENTION_DAYS`, in batches, on every replica's timer. */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRetentionService.name);
  private readonly pruner = new PeriodicTask('audit retention prune', () => this.pruneOnce(), this.logger);

  constructor(
    private readonly config: AuthConfig,
    private readonly audit: AuditRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUTH_AUDIT_RETENTION_DAYS === 0) return;
    this.pruner.start(this.config.AUTH_AUDIT_PRUNE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.pruner.stop();
  }

  /** Returns the number of rows deleted; a failed pass is logged and retried at the next tick. */
  async pruneOnce(now = Date.now()): Promise<number> {
    const cutoff = new Date(now - this.config.AUTH_AUDIT_RETENTION_DAYS * DAY_MS);
    let total = 0;
    try {
      for (let removed = BATCH_SIZE; removed === BATCH_SIZE; total += removed) {
        removed = await this.audit.pruneBefore(cutoff, BATCH_SIZE);
      }
    } catch (error) {
      this.logger.warn(`audit retention prune failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (total > 0) this.logger.log(`audit retention removed ${total} rows older than ${cutoff.toISOString()}`);
    return total;
  }
}
