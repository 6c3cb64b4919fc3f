import type { ServiceDatabase } from '@shelflink/database';
import { TenantEntity } from '../tenant/tenant.entity.js';
import { CreateTenants1763800000000 } from './migrations/1763800000000-create-tenants.js';

/** Schema `auth`: its entities and the ordered migrations that create them. */
export function authDatabase(url: string, poolSize?: number): ServiceDatabase {
  return {
    url,
    poolSize,
    schema: 'auth',
    service: 'auth-service',
    entities: [TenantEntity],
    migrations: [CreateTenants1763800000000],
  };
}
