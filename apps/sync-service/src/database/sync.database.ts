import type { ServiceDatabase } from '@shelflink/database';
import { ScheduleEntity } from '../schedule/schedule.entity.js';
import { CreateSchedules1763800000000 } from './migrations/1763800000000-create-schedules.js';

/** Schema `sync`: its entities and the ordered migrations that create them. */
export function syncDatabase(url: string, poolSize?: number): ServiceDatabase {
  return {
    url,
    poolSize,
    schema: 'sync',
    service: 'sync-service',
    entities: [ScheduleEntity],
    migrations: [CreateSchedules1763800000000],
  };
}
