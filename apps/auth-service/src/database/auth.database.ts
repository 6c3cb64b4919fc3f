import type { ServiceDatabase } from '@shelflink/database';
import { AuditLogEntity } from '../audit/audit-log.entity.js';
import { ConnectPageEntity } from '../connect-page/connect-page.entity.js';
import { ConnectionEntity } from '../connection/connection.entity.js';
import { OAuthStateEntity } from '../oauth/oauth-state.entity.js';
import { ApiKeyEntity } from '../tenant/api-key.entity.js';
import { TenantEntity } from '../tenant/tenant.entity.js';
import { ConsumerServiceEntity } from '../consumer-service/consumer-service.entity.js';
import { CredentialEntity } from '../vault/credential.entity.js';
import { WebhookRegistrationEntity } from '../webhook-subscription/webhook-registration.entity.js';
import { CreateTenants1763800000000 } from './migrations/1763800000000-create-tenants.js';
import { AuditLogRetention1765100000000 } from './migrations/1765100000000-audit-log-retention.js';
import { ConnectionAccountKey1766100000000 } from './migrations/1766100000000-connection-account-key.js';
import { WebhookRegistrations1766200000000 } from './migrations/1766200000000-webhook-registrations.js';
import { ConsumerServices1766300000000 } from './migrations/1766300000000-consumer-services.js';
import { ConnectPages1766500000000 } from './migrations/1766500000000-connect-pages.js';
import { ProviderCalls1766700000000 } from './migrations/1766700000000-provider-calls.js';
import { ProviderCallRefusals1768002000000 } from './migrations/1768002000000-provider-call-refusals.js';

/** Schema `auth`: its entities and the ordered migrations that create them. */
export function authDatabase(url: string, poolSize?: number): ServiceDatabase {
  return {
    url,
    poolSize,
    schema: 'auth',
    service: 'auth-service',
    entities: [
      TenantEntity,
      ApiKeyEntity,
      ConnectionEntity,
      CredentialEntity,
      OAuthStateEntity,
      AuditLogEntity,
      WebhookRegistrationEntity,
      ConsumerServiceEntity,
      ConnectPageEntity,
    ],
    migrations: [
      CreateTenants1763800000000,
      AuditLogRetention1765100000000,
      ConnectionAccountKey1766100000000,
      WebhookRegistrations1766200000000,
      ConsumerServices1766300000000,
      ConnectPages1766500000000,
      ProviderCalls1766700000000,
      ProviderCallRefusals1768002000000,
    ],
  };
}
