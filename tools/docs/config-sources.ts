import { join } from 'node:path';
import { authConfigSchema } from '../../apps/auth-service/src/config/auth.config.js';
import { gatewayConfigSchema } from '../../apps/gateway/src/config/gateway.config.js';
import { syncConfigSchema } from '../../apps/sync-service/src/config/sync.config.js';
import { webhookConfigSchema } from '../../apps/webhook-ingest/src/config/webhook.config.js';
import { callLogEnv, httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import * as prettier from 'prettier';
import { renderConfigReference, type ServiceConfig } from './config-reference.js';
import { repoRoot } from './repo-root.js';

/** Every service's environment schema, in the order the reference lists them. */
export const serviceConfigs: readonly ServiceConfig[] = [
  { service: 'gateway', source: 'apps/gateway/src/config/gateway.config.ts', schema: gatewayConfigSchema },
  { service: 'auth-service', source: 'apps/auth-service/src/config/auth.config.ts', schema: authConfigSchema },
  {
    service: 'webhook-ingest',
    source: 'apps/webhook-ingest/src/config/webhook.config.ts',
    schema: webhookConfigSchema,
  },
  { service: 'sync-service', source: 'apps/sync-service/src/config/sync.config.ts', schema: syncConfigSchema },
];

/** The fragments of libs/config every service composes; their variables are documented once. */
export const sharedFragments = [httpEnv(0), natsEnv, postgresEnv, callLogEnv];

export const configReferencePath = 'docs/configuration.md';

/** docs/configuration.md as `npm run docs` writes it: rendered, then formatted as `prettier --check` expects. */
export async function configReferenceFile(root = repoRoot()): Promise<string> {
  const target = join(root, configReferencePath);
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(renderConfigReference(serviceConfigs, sharedFragments), { ...options, filepath: target });
}
