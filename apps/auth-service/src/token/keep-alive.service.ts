import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@shelflink/runtime';
import { AuthConfig } from '../config/auth.config.js';
import { CredentialRepository } from '../vault/credential.repository.js';
import { TokenService } from './token.service.js';

// Refresh tokens die after idleness (Shopify/Atlassian 90 days, NetSuite 7): refresh anything idle for 3 days.
const IDLE_MS = 3 * 24 * 3_600_000;

/** Background job keeping idle OAuth connections alive; failures flag the connection through the refresh path. */
@Injectable()
export class KeepAliveService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeepAliveService.name);
  private readonly keepAlive = new PeriodicTask('keep-alive', () => this.runOnce(), this.logger);

  constructor(
    private readonly config: AuthConfig,
    private readonly credentials: CredentialRepository,
    private readonly tokens: TokenService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUTH_KEEPALIVE_INTERVAL_MS === 0) return;
    this.keepAlive.start(this.config.AUTH_KEEPALIVE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.keepAlive.stop();
  }

  async runOnce(): Promise<{ refreshed: number; failed: number }> {
    let refreshed = 0;
    let failed = 0;
    const due = await this.credentials.findIdleRefreshable(new Date(Date.now() - IDLE_MS), 50).catch(() => []);
    for (const { tenantId, connectionId } of due) {
      try {
        await this.tokens.refreshNow(tenantId, connectionId);
        refreshed++;
      } catch {
        failed++;
      }
    }
    if (due.length > 0) this.logger.log(`keep-alive refreshed ${refreshed}, failed ${failed}`);
    return { refreshed, failed };
  }
}
