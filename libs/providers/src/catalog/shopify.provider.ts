import type { PaginationSpec, ProviderDefinition } from '../provider-definition.js';
import { SHOP_PART } from '../url/url-parts.js';

/**
 * Shopify Admin API version in apiBase. 2026-07 is the newest version PROVIDERS.md saw in the SDK; a version is
 * supported for at least 12 months, so 2025-07 would be past support by late 2026. Override `apiBaseUrl` to pin another.
 */
export const SHOPIFY_API_VERSION = '2026-07';

// With page_info only limit (and fields) may come along: the filters travel inside the cursor.
const SHOPIFY_LINKS: PaginationSpec = {
  style: 'link-header',
  rel: 'next',
  keepOnlyParams: ['limit', 'fields', 'page_info'],
};
const SHOPIFY_LIMIT = { param: 'limit', in: 'query', max: 250 } as const;

/**
 * Shopify (PROVIDERS.md §2): per-shop URLs, comma-separated scopes, expiring offline tokens (`expiring: "1"`,
 * rotating refresh tokens; required for public apps from 2027-01-01). PKCE is not part of Shopify's code flow
 * (UNVERIFIED), so `none`. There is no OAuth revoke endpoint (uninstall is `DELETE /api_permissions/current.json`).
 */
export const shopifyProvider: ProviderDefinition = {
  key: 'shopify',
  displayName: 'Shopify',
  kind: 'catalog',
  auth: [
    {
      mode: 'oauth2',
      authorizeUrl: 'https://{shop}/admin/oauth/authorize',
      tokenUrl: 'https://{shop}/admin/oauth/access_token',
      pkce: 'none',
      refresh: 'rotating',
      expiringOfflineTokens: true,
      tokenRequestEncoding: 'json',
      clientAuth: 'body',
      scopeSeparator: ',',
      defaultScopes: ['read_products', 'read_inventory', 'read_locations', 'read_orders'],
      authorizeParams: {},
      tokenParams: { expiring: '1' },
      tokenResponse: { expiry: 'expires_in', missingExpiryMeansNonExpiring: true, accessTokenPath: 'access_token' },
      requestAuth: { kind: 'header', header: 'X-Shopify-Access-Token', format: '{token}' },
    },
  ],
  apiBase: `https://{shop}/admin/api/${SHOPIFY_API_VERSION}`,
  extraHeaders: {},
  testConnection: { method: 'GET', path: '/shop.json' },
  urlParts: { shop: SHOP_PART },
  webhook: {
    scheme: 'shopify-hmac',
    signatureHeader: 'x-shopify-hmac-sha256',
    dedupId: { in: 'header', name: 'x-shopify-webhook-id' },
    alsoStore: [{ in: 'header', name: 'x-shopify-event-id' }],
    eventType: { in: 'header', name: 'x-shopify-topic' },
    timestamp: { in: 'header', name: 'x-shopify-triggered-at', format: 'rfc3339' },
    accountKey: { location: { in: 'header', name: 'x-shopify-shop-domain' }, metadataField: 'shop' },
    // The mandatory compliance webhooks of App Store apps (PROVIDERS.md §2.2).
    complianceTopics: ['customers/data_request', 'customers/redact', 'shop/redact'],
    registration: 'connection',
    defaultTopics: ['orders/create', 'orders/updated', 'products/update', 'inventory_levels/update', 'app/uninstalled'],
  },
  rateLimit: {
    statuses: [429],
    retryAfterHeader: true,
    callLimitHeader: 'X-Shopify-Shop-Api-Call-Limit',
    graphqlThrottleStatus: true,
    // REST standard plan: bucket 40, leaks 2 requests per second, per app and shop.
    defaultBudget: { kind: 'leaky-bucket', capacity: 40, leakPerSecond: 2 },
  },
  streams: {
    locations: {
      method: 'GET',
      path: '/locations.json',
      itemsPath: 'locations',
      pagination: SHOPIFY_LINKS,
      bigIntIds: true,
    },
    products: {
      method: 'GET',
      path: '/products.json?limit=250',
      itemsPath: 'products',
      pagination: SHOPIFY_LINKS,
      pageSize: SHOPIFY_LIMIT,
      incremental: { requestParam: 'updated_at_min', itemField: 'updated_at' },
      bigIntIds: true,
    },
    inventory: {
      method: 'GET',
      path: '/inventory_levels.json?limit=250',
      itemsPath: 'inventory_levels',
      pagination: SHOPIFY_LINKS,
      pageSize: SHOPIFY_LIMIT,
      incremental: { requestParam: 'updated_at_min', itemField: 'updated_at' },
      // inventory_levels needs location_ids (or inventory_item_ids), and locations come and go independently.
      partitionBy: { stream: 'locations', param: 'location_ids', in: 'query', as: 'value' },
      bigIntIds: true,
    },
    orders: {
      method: 'GET',
      path: '/orders.json?status=any&limit=250&order=updated_at%20asc',
      itemsPath: 'orders',
      pagination: SHOPIFY_LINKS,
      pageSize: SHOPIFY_LIMIT,
      incremental: { requestParam: 'updated_at_min', itemField: 'updated_at' },
      lookup: {
        method: 'GET',
        path: '/orders.json?status=any&ids={id}',
        itemsPath: 'orders',
        idPattern: '^\\d{1,20}$',
      },
      bigIntIds: true,
    },
  },
};
