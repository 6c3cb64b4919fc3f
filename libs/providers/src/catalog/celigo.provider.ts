import type { ProviderDefinition } from '../provider-definition.js';
import { CELIGO_REGION_PART } from '../url/url-parts.js';
import { BEARER } from './common.js';

/**
 * Celigo integrator.io (PROVIDERS.md §6): static bearer API token scoped to one region (`na` →
 * api.integrator.io, `eu` → api.eu.integrator.io). Celigo receives webhooks; it sends none we verify.
 */
export const celigoProvider: ProviderDefinition = {
  key: 'celigo',
  displayName: 'Celigo integrator.io',
  kind: 'catalog',
  auth: [{ mode: 'static-bearer', requestAuth: BEARER }],
  apiBase: 'https://{region}.integrator.io',
  extraHeaders: {},
  testConnection: { method: 'GET', path: '/v1/tokenInfo' },
  urlParts: { region: CELIGO_REGION_PART },
  webhook: { scheme: 'none' },
  rateLimit: {
    statuses: [429],
    retryAfterHeader: true,
    bodyErrorCodes: [{ status: 429, code: 'rate_limited' }],
    defaultBudget: { kind: 'leaky-bucket', capacity: 1000, leakPerSecond: 300 },
  },
  streams: {},
  extraStreams: {
    flows: {
      method: 'GET',
      path: '/v1/flows',
      itemsPath: '',
      // The next link carries every parameter it needs (skip, limit and the filters); follow it as given.
      pagination: { style: 'link-header', rel: 'next' },
    },
    jobs: {
      method: 'GET',
      path: '/v1/jobs',
      itemsPath: '',
      // The next link carries every parameter it needs (skip, limit and the filters); follow it as given.
      pagination: { style: 'link-header', rel: 'next' },
      note: 'one of _flowId, _integrationId or _jobId is required',
    },
  },
};
