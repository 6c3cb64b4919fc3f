import type { ServiceDatabase } from '@shelflink/database';
import { CheckpointEntity } from '../checkpoint/checkpoint.entity.js';
import {
  InventoryLevelRecordEntity,
  LocationRecordEntity,
  OrderRecordEntity,
  ProductRecordEntity,
} from '../records/canonical-record.entities.js';
import { ScheduleEntity } from '../schedule/schedule.entity.js';
import { StreamLeaseEntity } from '../sync-run/stream-lease.entity.js';
import { SyncRunEntity } from '../sync-run/sync-run.entity.js';
import { CreateSyncSchema1763800000000 } from './migrations/1763800000000-create-sync-schema.js';
import { CanonicalTenantPrimaryKey1764500000000 } from './migrations/1764500000000-canonical-tenant-primary-key.js';
import { ScheduleLastSuccess1765200000000 } from './migrations/1765200000000-schedule-last-success.js';
import { SchedulePause1765300000000 } from './migrations/1765300000000-schedule-pause.js';
import { RecordFeedOutbox1766400000000 } from './migrations/1766400000000-record-feed-outbox.js';
import { ProviderCalls1766700000000 } from './migrations/1766700000000-provider-calls.js';
import { CreateAlerts1766800000000 } from './migrations/1766800000000-create-alerts.js';
import { RecordFeedOutboxBatches1766900000000 } from './migrations/1766900000000-record-feed-outbox-batches.js';
import { ProviderSlots1767200000000 } from './migrations/1767200000000-provider-slots.js';
import { ProductIdentities1767300000000 } from './migrations/1767300000000-product-identities.js';
import { ProviderCallRefusals1768002000000 } from './migrations/1768002000000-provider-call-refusals.js';
import { RateLimitFunctions1768003000000 } from './migrations/1768003000000-rate-limit-functions.js';

/** Schema `sync`: its entities and the ordered migrations that create them. */
export function syncDatabase(url: string, poolSize?: number): ServiceDatabase {
  return {
    url,
    poolSize,
    schema: 'sync',
    service: 'sync-service',
    entities: [
      ScheduleEntity,
      SyncRunEntity,
      StreamLeaseEntity,
      CheckpointEntity,
      LocationRecordEntity,
      ProductRecordEntity,
      InventoryLevelRecordEntity,
      OrderRecordEntity,
    ],
    migrations: [
      CreateSyncSchema1763800000000,
      CanonicalTenantPrimaryKey1764500000000,
      ScheduleLastSuccess1765200000000,
      SchedulePause1765300000000,
      RecordFeedOutbox1766400000000,
      ProviderCalls1766700000000,
      CreateAlerts1766800000000,
      RecordFeedOutboxBatches1766900000000,
      ProviderSlots1767200000000,
      ProductIdentities1767300000000,
      ProviderCallRefusals1768002000000,
      RateLimitFunctions1768003000000,
    ],
  };
}
