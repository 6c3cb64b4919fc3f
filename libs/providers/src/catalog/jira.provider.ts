import type { ProviderDefinition } from '../provider-definition.js';
import { ATLASSIAN_CLOUD_ID_PART } from '../url/url-parts.js';
import { BEARER, STANDARD_TOKEN_RESPONSE } from './common.js';

/**
 * Atlassian Jira Cloud, OAuth 2.0 3LO (PROVIDERS.md §5): rotating refresh tokens (a reused one gets
 * `invalid_grant`), `offline_access` for a refresh token, and the accessible-resources call after connecting to
 * learn the `cloudId`. PKCE for 3LO is undocumented (UNVERIFIED), so `none`; no revoke endpoint is documented.
 * Admin webhooks sign `X-Hub-Signature: sha256=<hex>`; `X-Atlassian-Webhook-Identifier` as the dedup id is
 * UNVERIFIED as official but widely used.
 */
export const jiraProvider: ProviderDefinition = {
  key: 'jira',
  displayName: 'Atlassian Jira',
  kind: 'catalog',
  auth: [
    {
      mode: 'oauth2',
      authorizeUrl: 'https://auth.atlassian.com/authorize',
      tokenUrl: 'https://auth.atlassian.com/oauth/token',
      pkce: 'none',
      refresh: 'rotating',
      tokenRequestEncoding: 'json',
      clientAuth: 'body',
      scopeSeparator: ' ',
      defaultScopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
      authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
      postConnectHook: 'atlassian-accessible-resources',
      postConnectUrl: 'https://api.atlassian.com/oauth/token/accessible-resources',
      tokenResponse: STANDARD_TOKEN_RESPONSE,
      requestAuth: BEARER,
    },
  ],
  apiBase: 'https://api.atlassian.com/ex/jira/{cloudId}',
  extraHeaders: { Accept: 'application/json' },
  testConnection: { method: 'GET', path: '/rest/api/3/myself' },
  urlParts: { cloudId: ATLASSIAN_CLOUD_ID_PART },
  webhook: {
    scheme: 'jira-hub-signature',
    signatureHeader: 'x-hub-signature',
    dedupId: { in: 'header', name: 'x-atlassian-webhook-identifier' },
    eventType: { in: 'body', path: 'webhookEvent' },
    timestamp: { in: 'body', path: 'timestamp', format: 'epoch-ms' },
  },
  rateLimit: {
    statuses: [429],
    retryAfterHeader: true,
    rateLimitHeaders: { limit: 'X-RateLimit-Limit', remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset' },
    defaultBudget: { kind: 'unknown', requestsPerSecond: 10 },
  },
  streams: {},
  extraStreams: {
    issues: {
      method: 'GET',
      path: '/rest/api/3/search/jql?maxResults=100',
      itemsPath: 'issues',
      pagination: {
        style: 'next-page-token',
        requestParam: 'nextPageToken',
        responseField: 'nextPageToken',
        lastField: 'isLast',
      },
      incremental: { requestParam: 'jql:updated', itemField: 'fields.updated' },
      note: 'jql=updated >= "yyyy-MM-dd HH:mm" ORDER BY updated ASC (minute precision)',
    },
  },
};
