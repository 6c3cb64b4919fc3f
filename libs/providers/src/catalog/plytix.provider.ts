import type { ProviderDefinition } from '../provider-definition.js';
import { BEARER } from './common.js';

/**
 * Plytix PIM (PROVIDERS.md §4): api key + password → 15-minute JWT at `data[0].access_token`; no refresh, log in
 * again. No signed webhooks (channel notifications only). Products page through v3 `pagination.next_page` URLs;
 * v3 availability in production is UNVERIFIED, so the test call uses v1.
 */
export const plytixProvider: ProviderDefinition = {
  key: 'plytix',
  displayName: 'Plytix',
  kind: 'catalog',
  auth: [
    {
      mode: 'key-password-token',
      tokenUrl: 'https://auth.plytix.com/auth/api/get-token',
      keyField: 'api_key',
      passwordField: 'api_password',
      accessTokenPath: 'data.0.access_token',
      tokenTtlSeconds: 900,
      requestAuth: BEARER,
    },
  ],
  apiBase: 'https://pim.plytix.com',
  extraHeaders: { Accept: 'application/json' },
  testConnection: { method: 'GET', path: '/api/v1/filters/product' },
  urlParts: {},
  webhook: { scheme: 'none' },
  rateLimit: {
    statuses: [429],
    retryAfterHeader: true,
    // Free plan: 20 requests per 10 s (paid 50); the JWT carries the account's real limits.
    defaultBudget: { kind: 'window', requests: 20, windowSeconds: 10 },
  },
  streams: {
    products: {
      method: 'GET',
      // Ordered by id, not by modified: a product changed mid-chain stays where it was, so pages skip none.
      path: '/api/v3/products?_page_size=100&_sort_by=id',
      itemsPath: 'data',
      pagination: { style: 'next-page-url', responseField: 'pagination.next_page' },
      incremental: { requestParam: 'modified[gte]', itemField: 'modified' },
      note: 'stock and prices are product attributes; there is no deletions feed',
    },
  },
};
