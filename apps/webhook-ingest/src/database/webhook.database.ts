import type { ServiceDatabase } from '@shelflink/database';
import { DeadLetterEntity } from '../dead-letter/dead-letter.entity.js';
import { ReceivedEventEntity } from '../received-event/received-event.entity.js';
import { UnroutableEventEntity } from '../unroutable/unroutable-event.entity.js';
import { CreateReceivedEvents1763800000000 } from './migrations/1763800000000-create-received-events.js';
import { CreateUnroutableEvents1766100000000 } from './migrations/1766100000000-create-unroutable-events.js';

/** Schema `webhook`: its entities and the ordered migrations that create them. */
export function webhookDatabase(url: string, poolSize?: number): ServiceDatabase {
  return {
    url,
    poolSize,
    schema: 'webhook',
    service: 'webhook-ingest',
    entities: [ReceivedEventEntity, DeadLetterEntity, UnroutableEventEntity],
    migrations: [CreateReceivedEvents1763800000000, CreateUnroutableEvents1766100000000],
  };
}
