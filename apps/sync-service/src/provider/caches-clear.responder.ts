import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { syncCachesClearContract } from '@shelflink/contracts';
import { answerCachesClear, NatsClient } from '@shelflink/messaging';
import { ConnectionDirectory } from './connection-directory.service.js';

/** `sync.admin.caches.clear.v1` on every replica: the auth headers and connection lookups this process holds. */
@Injectable()
export class CachesClearResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsClient,
    private readonly directory: ConnectionDirectory,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = answerCachesClear(this.nats.connection, syncCachesClearContract, 'sync-service', () =>
      this.directory.clearCaches(),
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
