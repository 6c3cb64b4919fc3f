import type { PaginationSpec, ProviderDefinition } from '../provider-definition.js';
import { BEARER } from './common.js';

/** Square API version pinned on every call (square-nodejs-sdk 44.1.0 default). */
export const SQUARE_API_VERSION = '2026-05-20';

const SQUARE_CURSOR: PaginationSpec = {
  style: 'body-cursor',
  requestField: 'cursor',
  requestIn: 'body',
  responseField: 'cursor',
};
const SQUARE_LIMIT = { param: 'limit', in: 'body', max: 1000 } as const;

/**
 * Square (PROVIDERS.md §1). Confidential code flow: refresh tokens are multi-use and never rotate. PKCE is
 * `supported` (the PKCE flow's refresh tokens rotate, so the vault treats a PKCE connection as rotating);
 * `code_challenge_method` is UNVERIFIED, so the authorize request sends only `code_challenge` when used.
 */
export const squareProvider: ProviderDefinition = {
  key: 'square',
  displayName: 'Square',
  kind: 'catalog',
  auth: [
    {
      mode: 'oauth2',
      authorizeUrl: 'https://connect.squareup.com/oauth2/authorize',
      tokenUrl: 'https://connect.squareup.com/oauth2/token',
      revokeUrl: 'https://connect.squareup.com/oauth2/revoke',
      revokeAuth: 'client-secret-header',
      pkce: 'supported',
      refresh: 'multi-use',
      tokenRequestEncoding: 'json',
      clientAuth: 'body',
      scopeSeparator: ' ',
      defaultScopes: ['MERCHANT_PROFILE_READ', 'ITEMS_READ', 'INVENTORY_READ', 'ORDERS_READ', 'PAYMENTS_READ'],
      authorizeParams: { session: 'false' },
      // Square answers `expires_at` (ISO 8601) instead of `expires_in`.
      tokenResponse: { expiry: 'expires_at', missingExpiryMeansNonExpiring: false, accessTokenPath: 'access_token' },
      requestAuth: BEARER,
    },
  ],
  apiBase: 'https://connect.squareup.com',
  extraHeaders: { 'Square-Version': SQUARE_API_VERSION },
  testConnection: { method: 'GET', path: '/v2/locations' },
  urlParts: {},
  webhook: {
    scheme: 'square-hmac',
    signatureHeader: 'x-square-hmacsha256-signature',
    signsNotificationUrl: true,
    dedupId: { in: 'body', path: 'event_id' },
    eventType: { in: 'body', path: 'type' },
    timestamp: { in: 'body', path: 'created_at', format: 'rfc3339' },
    // The token response's merchant_id (or GET /v2/merchants/me) is stored as metadata.merchantId.
    accountKey: {
      location: { in: 'body', path: 'merchant_id' },
      metadataField: 'merchantId',
      lookup: { path: '/v2/merchants/me', field: 'merchant.id' },
    },
    registration: 'app',
    defaultTopics: [
      'order.created',
      'order.updated',
      'inventory.count.updated',
      'catalog.version.updated',
      'oauth.authorization.revoked',
    ],
  },
  rateLimit: {
    // Limits are unpublished; 429 with RATE_LIMITED. Retry-After is honoured if it ever appears (UNVERIFIED).
    statuses: [429],
    retryAfterHeader: true,
    bodyErrorCodes: [{ status: 429, code: 'RATE_LIMITED' }],
    defaultBudget: { kind: 'unknown', requestsPerSecond: 10 },
  },
  streams: {
    locations: { method: 'GET', path: '/v2/locations', itemsPath: 'locations', pagination: { style: 'none' } },
    products: {
      method: 'POST',
      path: '/v2/catalog/search',
      // Variations come inside their items (item_data.variations).
      body: { object_types: ['ITEM'], include_deleted_objects: true },
      itemsPath: 'objects',
      pagination: SQUARE_CURSOR,
      pageSize: SQUARE_LIMIT,
      incremental: { requestParam: 'begin_time', itemField: 'updated_at' },
      note: 'begin_time is exclusive',
    },
    inventory: {
      method: 'POST',
      path: '/v2/inventory/counts/batch-retrieve',
      body: { states: ['IN_STOCK'] },
      itemsPath: 'counts',
      pagination: SQUARE_CURSOR,
      pageSize: SQUARE_LIMIT,
      incremental: { requestParam: 'updated_after', itemField: 'calculated_at' },
    },
    orders: {
      method: 'POST',
      path: '/v2/orders/search',
      // The query must be identical on every page of a chain: the sandbox, like Square, ties the cursor to it.
      body: { query: { sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' } } },
      itemsPath: 'orders',
      pagination: SQUARE_CURSOR,
      pageSize: SQUARE_LIMIT,
      incremental: { requestParam: 'query.filter.date_time_filter.updated_at.start_at', itemField: 'updated_at' },
      // location_ids takes at most 10; one chain per location keeps each chain's checkpoint independent.
      partitionBy: { stream: 'locations', param: 'location_ids', in: 'body', as: 'list' },
      lookup: { method: 'POST', path: '/v2/orders/batch-retrieve', body: { order_ids: ['{id}'] }, itemsPath: 'orders' },
    },
  },
};
