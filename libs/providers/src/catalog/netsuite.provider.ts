import type { PaginationSpec, ProviderDefinition, StreamSpec } from '../provider-definition.js';
import { NETSUITE_ACCOUNT_PART } from '../url/url-parts.js';
import { BEARER, STANDARD_TOKEN_RESPONSE } from './common.js';

const SUITEQL_PAGING: PaginationSpec = {
  style: 'offset-hasmore',
  limitParam: 'limit',
  offsetParam: 'offset',
  hasMoreField: 'hasMore',
  pageSize: 1000,
};
/** SuiteQL shows dates as M/D/YYYY: the pulled ones are written as ISO 8601 to the second. */
export const SUITEQL_ISO_FORMAT = `YYYY-MM-DD"T"HH24:MI:SS"Z"`;
const MODIFIED = `TO_CHAR(lastmodifieddate, '${SUITEQL_ISO_FORMAT}') AS lastmodified`;
const ORDERS = `SELECT id, tranid, type, status, entity, location, foreigntotal, TO_CHAR(createddate, '${SUITEQL_ISO_FORMAT}') AS created, ${MODIFIED} FROM transaction WHERE type IN ('SalesOrd', 'CashSale') ORDER BY id`;

/**
 * A SuiteQL stream: `SELECT … FROM table [WHERE …] ORDER BY …` (a stable order for offset paging). sync-service's
 * NetSuite hook adds the date (or id) window that keeps each query under SuiteQL's 100,000-row cap.
 */
function suiteQl(q: string): StreamSpec {
  return {
    method: 'POST',
    path: '/query/v1/suiteql',
    headers: { Prefer: 'transient' },
    body: { q },
    itemsPath: 'items',
    pagination: SUITEQL_PAGING,
    pageSize: { param: 'limit', in: 'query', max: 1000 },
  };
}

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
    locations: suiteQl(`SELECT id, name, fullname, isinactive, ${MODIFIED} FROM location ORDER BY id`),
    products: {
      ...suiteQl(
        `SELECT id, itemid, displayname, upccode, itemtype, isinactive, baseprice, ${MODIFIED} FROM item ORDER BY id`,
      ),
      incremental: { requestParam: 'q:lastmodifieddate', itemField: 'lastmodified' },
    },
    // No modification date on this table: always read whole.
    inventory: suiteQl(
      'SELECT item, location, quantityonhand, quantitycommitted, quantityavailable FROM inventoryitemlocations ORDER BY item, location',
    ),
    orders: {
      ...suiteQl(ORDERS),
      incremental: { requestParam: 'q:lastmodifieddate', itemField: 'lastmodified' },
      // Digits only: the id is written into the query.
      lookup: {
        method: 'POST',
        path: '/query/v1/suiteql?limit=1',
        body: { q: ORDERS.replace(' ORDER BY', ' AND id = {id} ORDER BY') },
        itemsPath: 'items',
        idPattern: '^[0-9]{1,18}$',
      },
      note: 'item lines come from transactionline, one query per page of headers',
    },
  },
};
