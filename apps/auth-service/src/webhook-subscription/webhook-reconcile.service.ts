import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { describeUnexpected } from '@shelflink/observability';
import { Clock, PeriodicTask } from '@shelflink/runtime';
import { AuthConfig } from '../config/auth.config.js';
import { ConnectionRepository } from '../connection/connection.repository.js';
import type { ConnectionRecord } from '../connection/connection.types.js';
import { WebhookRegistrationRepository } from './webhook-registration.repository.js';
import { failureCode } from './webhook-subscription.errors.js';
import { WebhookSubscriptionService } from './webhook-subscription.service.js';

const CLAIM_BATCH = 20;
const MAX_BACKOFF_DOUBLINGS = 10;

/**
 * Keeps per-connection subscriptions registered: right after a connect, then every
 * AUTH_WEBHOOK_RECONCILE_INTERVAL_MS (a subscription deleted at the provider comes back). A failure never breaks the
 * connect flow: it is recorded on the row and retried with backoff. Every replica ticks; rows are claimed in Postgres.
 */
@Injectable()
export class WebhookReconcileService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookReconcileService.name);
  private readonly task = new PeriodicTask('webhook-reconcile', () => this.runOnce(), this.logger);

  constructor(
    private readonly config: AuthConfig,
    private readonly clock: Clock,
    private readonly connections: ConnectionRepository,
    private readonly registrations: WebhookRegistrationRepository,
    private readonly subscriptions: WebhookSubscriptionService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUTH_WEBHOOK_RECONCILE_INTERVAL_MS === 0) return;
    this.task.start(this.config.AUTH_WEBHOOK_RECONCILE_TICK_MS, { immediately: true });
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /** After a connect or reconnect: due now, and synced in the background (the connect flow never waits or fails). */
  async connected(connectionId: string): Promise<void> {
    try {
      const snapshot = await this.connections.findSnapshot(connectionId);
      if (!snapshot || !this.subscriptions.registersFor(snapshot.connection)) return;
      const { connection } = snapshot;
      await this.registrations.schedule(connection, this.clock.date());
      const [claimed] = await this.registrations.claimOne(connection.id, this.clock.date(), this.leaseUntil());
      // A failed sync is recorded and logged there, and retried by the job.
      if (claimed)
        await this.syncAndRecord(claimed.tenantId, claimed.connectionId, claimed.attempts).catch(() => false);
    } catch (error) {
      // Postgres was unreachable: the row is due, or the job adopts the connection once it sees it has none.
      this.logger.warn(`webhook registration after connect failed: ${describeUnexpected(error)}`);
    }
  }

  /** A connection's subscriptions at the provider, the topics wanted, and the registration row. */
  async describe(tenantId: string, connectionId: string) {
    const listing = await this.subscriptions.list(tenantId, connectionId);
    return { ...listing, registration: await this.registrations.find(connectionId) };
  }

  /** At disconnect, before the secrets go: removes the connection's subscriptions; false when that failed. */
  async disconnected(connection: ConnectionRecord): Promise<boolean> {
    if (!this.subscriptions.registersFor(connection)) {
      await this.registrations.remove(connection.id);
      return true;
    }
    // Under the lock: a sync in flight finishes first, and one waiting finds the row gone and registers nothing.
    return this.registrations.exclusively(connection.id, async () => {
      try {
        await this.subscriptions.removeAll(connection);
        return true;
      } catch (error) {
        this.logger.warn(`webhook subscriptions of connection ${connection.id} not removed: ${failureCode(error)}`);
        return false;
      } finally {
        // The row goes last: while it exists the job cannot adopt the still-active connection and register it again.
        await this.registrations.remove(connection.id);
      }
    });
  }

  /** Syncs one connection and records the outcome; rethrows so an operator's `webhooks sync` sees the failure. */
  async syncAndRecord(tenantId: string, connectionId: string, attempts = 0) {
    return this.registrations.exclusively(connectionId, async (registered) => {
      // No row: the connection is being disconnected (or not adopted yet); registering now would outlive it.
      if (!registered)
        throw new BusError('CONFLICT', 'Connection has no webhook registration: it is being disconnected or is new');
      try {
        const result = await this.subscriptions.sync(tenantId, connectionId);
        const now = this.clock.now();
        await this.registrations.recordSynced(
          connectionId,
          result.subscriptions.filter((s) => s.ours).map((s) => s.topic),
          new Date(now),
          new Date(now + this.config.AUTH_WEBHOOK_RECONCILE_INTERVAL_MS),
        );
        return result;
      } catch (error) {
        const code = failureCode(error);
        await this.registrations.recordFailed(connectionId, code, this.retryAt(attempts));
        this.logger.warn(`webhook subscriptions of connection ${connectionId} not synced: ${code}`);
        throw error;
      }
    });
  }

  async runOnce(): Promise<{ synced: number; failed: number }> {
    if (this.subscriptions.registersFor({ provider: 'shopify', authMode: 'oauth2' }))
      await this.registrations.adoptMissing('shopify', this.clock.date());
    const due = await this.registrations.claimDue(this.clock.date(), this.leaseUntil(), CLAIM_BATCH);
    let synced = 0;
    for (const row of due) {
      const ok = await this.syncAndRecord(row.tenantId, row.connectionId, row.attempts).then(
        () => true,
        () => false,
      );
      if (ok) synced++;
    }
    return { synced, failed: due.length - synced };
  }

  private leaseUntil(): Date {
    return new Date(this.clock.now() + this.config.AUTH_WEBHOOK_RECONCILE_INTERVAL_MS);
  }

  private retryAt(attempts: number): Date {
    const backoff = this.config.AUTH_WEBHOOK_RECONCILE_TICK_MS * 2 ** Math.min(attempts, MAX_BACKOFF_DOUBLINGS);
    return new Date(this.clock.now() + Math.min(backoff, this.config.AUTH_WEBHOOK_RECONCILE_INTERVAL_MS));
  }
}
