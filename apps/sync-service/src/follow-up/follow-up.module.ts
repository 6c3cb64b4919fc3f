import { Module } from '@nestjs/common';
import { ProviderModule } from '../provider/provider.module.js';
import { PullersModule } from '../pullers/pullers.module.js';
import { RecordsModule } from '../records/records.module.js';
import { SyncRunModule } from '../sync-run/sync-run.module.js';
import { CanonicalEventConsumer } from './canonical-event.consumer.js';
import { FollowUpService } from './follow-up.service.js';

/** Follow-up fetches for canonical webhook events, deduplicated per event. */
@Module({
  imports: [ProviderModule, PullersModule, RecordsModule, SyncRunModule],
  providers: [FollowUpService, CanonicalEventConsumer],
})
export class FollowUpModule {}
