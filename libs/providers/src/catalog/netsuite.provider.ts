import type { PaginationSpec, ProviderDefinition } from '../provider-definition.js';
import { NETSUITE_ACCOUNT_PART } from '../url/url-parts.js';
import { BEARER, STANDARD_TOKEN_RESPONSE } from './common.js';

const SUITEQL_PAGING: PaginationSpec = {
  style: 'offset-hasmore',
  limitParam: 'limit',
  offsetParam: 'offset',
  hasMoreField: 'hasMore',
  pageSize: 1000,
};

/**
 * NetSuite SuiteTalk REST (PROVIDERS.md §3). TBA (OAuth 1.0a HMAC-SHA256) comes first: its tokens do not expire,
 * while OAuth 2.0 refresh tokens die after 7 days. Whether an OAuth 2.0 refresh returns a new refresh token is
 * UNVERIFIED; confidential clients appear to keep theirs, so `multi-use` (the vault stores any new one it gets).
 * `{accountId}` renders in hostname form (`1234567-sb1`); the TBA realm is `1234567_SB1`.
 */
export const netsuiteProvider: ProviderDefinition = {
  key: 'netsuite',
  displayName: 'NetSuite',
  kind: 'catalog',
  auth: [
    {
      mode: 'tba',
      signatureMethod: 'HMAC-SHA256',
      realmFrom: 'accountId',
      requestAuth: { kind: 'tba-signature', header: 'Authorization' },
    },
    {
      mode: 'oauth2',
      authorizeUrl: 'https://{accountId}.app.netsuite.com/app/login/oauth2/authorize.nl',
      tokenUrl: 'https://{accountId}.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token',
      revokeUrl: 'https://{accountId}.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/revoke',
      revokeAuth: 'basic-form',
      // S256 only; `plain` is unsupported since 2020.2.
      pkce: 'supported',
      refresh: 'multi-use',
      tokenRequestEncoding: 'form',
      clientAuth: 'basic',
      scopeSeparator: ' ',
      defaultScopes: ['rest_webservices'],
      authorizeParams: {},
      tokenResponse: STANDARD_TOKEN_RESPONSE,
      requestAuth: BEARER,
    },
  ],
  apiBase: 'https://{accountId}.suitetalk.api.netsuite.com/services/rest',
  extraHeaders: {},
  testConnection: { method: 'GET', path: '/record/v1/location?limit=1' },
  urlParts: { accountId: NETSUITE_ACCOUNT_PART },
  webhook: { scheme: 'none' },
  rateLimit: {
    statuses: [429],
    retryAfterHeader: true,
    // RESTlets answer 400 SSS_REQUEST_LIMIT_EXCEEDED; REST web services 429 (exact o:errorCode UNVERIFIED).
    bodyErrorCodes: [
      { status: 400, code: 'SSS_REQUEST_LIMIT_EXCEEDED' },
      { status: 429, code: 'SSS_REQUEST_LIMIT_EXCEEDED' },
    ],
    // Concurrency governance: 5 for the shared tier.
    defaultBudget: { kind: 'concurrency', maxInFlight: 5 },
  },
  streams: {
    locations: {
      method: 'POST',
      path: '/query/v1/suiteql',
      itemsPath: 'items',
      pagination: SUITEQL_PAGING,
      note: 'header Prefer: transient; body {"q": "SELECT id, name, lastmodifieddate FROM location ORDER BY id"}',
    },
    products: {
      method: 'POST',
      path: '/query/v1/suiteql',
      itemsPath: 'items',
      pagination: SUITEQL_PAGING,
      incremental: { requestParam: 'q:lastmodifieddate', itemField: 'lastmodifieddate' },
      note: 'SuiteQL on item; filter lastmodifieddate >= TO_DATE(...) with a stable ORDER BY id',
    },
    inventory: {
      method: 'POST',
      path: '/query/v1/suiteql',
      itemsPath: 'items',
      pagination: SUITEQL_PAGING,
      note: 'SuiteQL on inventoryItemLocations joined to item (quantityonhand, quantityavailable)',
    },
    orders: {
      method: 'POST',
      path: '/query/v1/suiteql',
      itemsPath: 'items',
      pagination: SUITEQL_PAGING,
      incremental: { requestParam: 'q:lastmodifieddate', itemField: 'lastmodifieddate' },
      note: "SuiteQL on transaction (type IN ('SalesOrd','CashSale')) + transactionline, ORDER BY id",
    },
  },
};
