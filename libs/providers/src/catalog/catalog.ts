import type { ProviderDefinition } from '../provider-definition.js';
import { ProviderError } from '../providers.errors.js';
import { celigoProvider } from './celigo.provider.js';
import { jiraProvider } from './jira.provider.js';
import { netsuiteProvider } from './netsuite.provider.js';
import { plytixProvider } from './plytix.provider.js';
import { shopifyProvider } from './shopify.provider.js';
import { squareProvider } from './square.provider.js';

/** Keys of the built-in providers. */
export type CatalogProviderKey = 'square' | 'shopify' | 'netsuite' | 'plytix' | 'jira' | 'celigo';

/** Built-in provider definitions, by key. Custom providers come from configuration (generic kinds). */
export const PROVIDER_CATALOG: Readonly<Record<CatalogProviderKey, ProviderDefinition>> = {
  square: squareProvider,
  shopify: shopifyProvider,
  netsuite: netsuiteProvider,
  plytix: plytixProvider,
  jira: jiraProvider,
  celigo: celigoProvider,
};

/** Generic kinds a deployment instantiates from configuration under its own key. */
export const GENERIC_PROVIDER_KINDS = ['oauth2', 'standard-webhooks'] as const;

/** Whether `key` names a built-in provider. */
export function isCatalogProviderKey(key: string): key is CatalogProviderKey {
  return Object.hasOwn(PROVIDER_CATALOG, key);
}

/** The built-in definition for `key`; throws `UNKNOWN_PROVIDER` otherwise. */
export function getCatalogProvider(key: string): ProviderDefinition {
  if (!isCatalogProviderKey(key)) throw new ProviderError('UNKNOWN_PROVIDER', `unknown provider "${key.slice(0, 40)}"`);
  return PROVIDER_CATALOG[key];
}
