import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CallsListRequest, CallView } from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { CallLogStore, type CallContext } from '@shelflink/observability';
import type { AttemptObserver } from '@shelflink/resilience';
import { DataSource } from 'typeorm';
import { SyncConfig } from '../config/sync.config.js';

/** sync-service's outbound call log (`sync.provider_calls`): a row per provider call attempt of pulls and proxy calls. */
@Injectable()
export class CallLogService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallLogService.name);
  readonly store: CallLogStore;

  constructor(config: SyncConfig, dataSource: DataSource) {
    this.store = new CallLogStore(
      (sql, params) => sqlRows(dataSource, sql, params),
      'sync.provider_calls',
      config,
      (message) => this.logger.warn(message),
    );
  }

  onApplicationBootstrap(): void {
    this.store.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.stop();
  }

  /** The observer `callProvider` tells about each attempt of one request to `url`. */
  observer(context: CallContext, method: string, url: string): AttemptObserver {
    return (event) => {
      if (!event.reached) return;
      this.store.record(context, { method, url, ...event });
    };
  }

  list(request: CallsListRequest): Promise<CallView[]> {
    return this.store.list(request);
  }
}
