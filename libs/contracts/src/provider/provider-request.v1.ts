import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { tbaSignRequest, tbaSignResponse } from '../auth/tba-sign.v1.js';
import { tokenGetRequest, tokenGetResponse } from '../auth/token-get.v1.js';
import { consumerServiceName } from '../services/consumer-service.js';

export const proxyMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ProxyMethod = (typeof proxyMethods)[number];

/** Caps of one paginated proxy request (`paginate: true`). */
export const PROXY_MAX_PAGES_LIMIT = 10_000;
export const PROXY_MAX_ITEMS_LIMIT = 1_000_000;

/** Request headers a caller may set; every other one (auth, cookies, hop-by-hop, host) is dropped by the proxy. */
export const proxyForwardedHeaders = [
  'accept',
  'accept-language',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'idempotency-key',
  'prefer',
] as const;

const proxyFields = {
  connectionId: z.string().min(1).max(64),
  method: z.enum(proxyMethods),
  /** Relative to the provider's API base from the catalog, with its query: `/v2/locations?limit=10`. */
  path: z.string().min(1).max(4096),
  /** Only allow-listed names are forwarded; auth headers are always Shelflink's own. */
  headers: z.record(z.string().max(256), z.string().max(8192)).optional(),
  /** The request body: JSON (sent as `application/json`) or raw bytes in base64 (with the caller's content-type). */
  json: z.unknown().optional(),
  bodyBase64: z
    .string()
    .max(16 * 1024 * 1024)
    .optional(),
  /** Lowers the proxy's own deadline (retries and rate-limit waits included). */
  deadlineMs: z.number().int().min(100).max(300_000).optional(),
  /** Walk every page with the provider's pagination style; the items come back in chunks. */
  paginate: z.boolean().optional(),
  maxPages: z.number().int().min(1).max(PROXY_MAX_PAGES_LIMIT).optional(),
  maxItems: z.number().int().min(1).max(PROXY_MAX_ITEMS_LIMIT).optional(),
};

/** The subject a walk's credit comes on: `admin` (gateway, operators) or the consumer service names the caller. */
export const providerCreditSubject = (walkId: string, caller: string): string =>
  subjects.providerCredit.replace('*.*', `${walkId}.${caller}`);

/**
 * `provider.request.v1` (gateway and operators, tenant from the verified principal) and
 * `provider.request.v1.<service>` (a consumer service, within its grants; the NATS server guarantees the name):
 * one request to a provider API for one connection, under the account's shared budget, breaker and retries.
 */
export const providerRequestRequest = z.object({ tenantId: z.string().min(1).max(64), ...proxyFields });
export type ProviderRequestRequest = z.infer<typeof providerRequestRequest>;

/** The provider's answer: its status, its headers minus hop-by-hop and auth ones, and the body. */
export const providerRequestResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  /** The body as text, or base64 when `bodyEncoding` says so (not valid UTF-8). */
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
});
export type ProviderRequestResponse = z.infer<typeof providerRequestResponse>;

/**
 * One chunk of a paginated answer (`paginate: true`): several replies on the requester's inbox, each a chunk of
 * items in order, the last one with `done: true` and the totals. A failure mid-walk is a bus error reply.
 */
export const providerPageChunk = z.object({
  seq: z.number().int().min(0),
  items: z.array(z.unknown()),
  done: z.boolean(),
  pages: z.number().int().optional(),
  total: z.number().int().optional(),
  /** Set on the last chunk when a cap (`maxPages`, `maxItems`) stopped the walk before the provider's last page. */
  truncated: z.boolean().optional(),
  /** The provider's status when it refused a page (the walk stops there). */
  status: z.number().int().optional(),
});
export type ProviderPageChunk = z.infer<typeof providerPageChunk>;

export const providerRequestContract = defineRequest(
  subjects.providerRequest,
  providerRequestRequest,
  providerRequestResponse,
);
/** The same request from a consumer service, on `provider.request.v1.<its name>`. */
export const consumerProviderRequestContract = defineRequest(
  subjects.consumerProviderRequest,
  providerRequestRequest,
  providerRequestResponse,
);

/** The consumer service a proxy request came from, with the token or signing request made for it. */
const onBehalf = { service: consumerServiceName };
export const proxyTokenGetRequest = tokenGetRequest.extend(onBehalf);
export const proxyTbaSignRequest = tbaSignRequest.extend(onBehalf);
export const proxyTokenGetContract = defineRequest(subjects.authProxyTokenGet, proxyTokenGetRequest, tokenGetResponse);
export const proxyTbaSignContract = defineRequest(subjects.authProxyTbaSign, proxyTbaSignRequest, tbaSignResponse);
export type ProxyTokenGetRequest = z.infer<typeof proxyTokenGetRequest>;
export type ProxyTbaSignRequest = z.infer<typeof proxyTbaSignRequest>;
