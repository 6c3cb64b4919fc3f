import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CheckpointRepository } from './checkpoint/checkpoint.repository.js';
import { CanonicalEventConsumer } from './follow-up/canonical-event.consumer.js';
import { FollowUpService } from './follow-up/follow-up.service.js';
import { AccountResolver } from './provider/account.resolver.js';
import { ConnectionDirectory } from './provider/connection-directory.service.js';
import { ProviderCatalog } from './provider/provider-catalog.service.js';
import { ProviderGuards } from './provider/provider-guards.service.js';
import { ProviderHttpClient } from './provider/provider-http.client.js';
import { PullerRegistry } from './pullers/puller.registry.js';
import { ShopifyPuller } from './pullers/shopify.puller.js';
import { SquarePuller } from './pullers/square.puller.js';
import { RecordEventsPublisher } from './records/record-events.publisher.js';
import { RecordsController } from './records/records.controller.js';
import { RecordsRepository } from './records/records.repository.js';
import { ScheduleAdmin } from './schedule/schedule-admin.service.js';
import { ScheduleController } from './schedule/schedule.controller.js';
import { ScheduleRepository } from './schedule/schedule.repository.js';
import { ScheduleService } from './schedule/schedule.service.js';
import { StalenessMonitor } from './schedule/staleness.monitor.js';
import { PageCommitter } from './sync-run/page.committer.js';
import { SyncRunController } from './sync-run/sync-run.controller.js';
import { SyncRunExecutor } from './sync-run/sync-run.executor.js';
import { SyncRunQueue } from './sync-run/sync-run.queue.js';
import { SyncRunRepository } from './sync-run/sync-run.repository.js';
import { SyncRunService } from './sync-run/sync-run.service.js';

/** Pullers, runs, schedules, follow-ups and the canonical records; needs SyncConfig, DataSource and NatsClient. */
@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [SyncRunController, ScheduleController, RecordsController],
  providers: [
    ProviderCatalog,
    ConnectionDirectory,
    AccountResolver,
    ProviderGuards,
    ProviderHttpClient,
    SquarePuller,
    ShopifyPuller,
    PullerRegistry,
    RecordsRepository,
    RecordEventsPublisher,
    CheckpointRepository,
    SyncRunRepository,
    PageCommitter,
    SyncRunExecutor,
    SyncRunQueue,
    SyncRunService,
    ScheduleRepository,
    ScheduleService,
    StalenessMonitor,
    ScheduleAdmin,
    FollowUpService,
    CanonicalEventConsumer,
  ],
  exports: [SyncRunService, SyncRunExecutor, ScheduleService, RecordsRepository, ProviderGuards],
})
export class SyncModule {}
