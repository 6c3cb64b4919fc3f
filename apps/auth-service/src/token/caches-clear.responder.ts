import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { authCachesClearContract } from '@shelflink/contracts';
import { answerCachesClear, NatsClient } from '@shelflink/messaging';
import { TokenService } from './token.service.js';

/** `auth.admin.caches.clear.v1` on every replica: this process's token cache (connections are not cached here). */
@Injectable()
export class CachesClearResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsClient,
    private readonly tokens: TokenService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = answerCachesClear(this.nats.connection, authCachesClearContract, 'auth-service', () => ({
      tokens: this.tokens.clearCache(),
    }));
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
