import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@shelflink/runtime';
import { AuthConfig } from '../config/auth.config.js';
import { OAuthStateRepository } from './oauth-state.repository.js';

/** Deletes OAuth states a day past their expiry, on the keep-alive timer (a failed pass waits for the next tick). */
@Injectable()
export class OAuthStateRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OAuthStateRetentionService.name);
  private readonly pruner = new PeriodicTask('oauth state prune', () => this.states.purgeOld(), this.logger);

  constructor(
    private readonly config: AuthConfig,
    private readonly states: OAuthStateRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUTH_KEEPALIVE_INTERVAL_MS === 0) return;
    this.pruner.start(this.config.AUTH_KEEPALIVE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.pruner.stop();
  }
}
