import type { CanonicalStream } from './canonical-stream.js';
import type { RecordMappingSpec } from './mapping/record-mapping.js';
import type { UrlPartSpecs } from './url/url-parts.js';

export type { CanonicalStream };

/** Webhook signature schemes with a verifier in this lib. */
export type WebhookScheme = 'square-hmac' | 'shopify-hmac' | 'standard-webhooks' | 'jira-hub-signature' | 'none';

/** Built-in hooks run after an OAuth connection is made. */
export type PostConnectHook = 'atlassian-accessible-resources';

/** How the credential is attached to API calls. */
export type RequestAuth =
  | { readonly kind: 'header'; readonly header: string; readonly format: string }
  | { readonly kind: 'tba-signature'; readonly header: 'Authorization' };

/** Quirks of a provider's token response. */
export interface TokenResponseSpec {
  /** `expires_in` (seconds) or `expires_at` (ISO 8601, Square). */
  readonly expiry: 'expires_in' | 'expires_at';
  /** True when a missing expiry field means the token does not expire (Shopify non-expiring offline tokens). */
  readonly missingExpiryMeansNonExpiring: boolean;
  /** Dotted path of the access token in the response body. */
  readonly accessTokenPath: string;
}

/** OAuth 2.0 authorization code grant. */
export interface OAuth2AuthSpec {
  readonly mode: 'oauth2';
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl?: string;
  /** How revocation authenticates (Square: `Authorization: Client {secret}`; NetSuite: Basic + form). */
  readonly revokeAuth?: 'client-secret-header' | 'basic-form';
  readonly pkce: 'required' | 'supported' | 'none';
  /** `rotating`: each refresh returns a new refresh token and spends the old one. */
  readonly refresh: 'rotating' | 'multi-use' | 'none';
  /** Shopify: ask for expiring offline tokens (`expiring: "1"`), which then rotate. */
  readonly expiringOfflineTokens?: boolean;
  readonly tokenRequestEncoding: 'json' | 'form';
  readonly clientAuth: 'body' | 'basic';
  readonly scopeSeparator: ' ' | ',';
  readonly defaultScopes: readonly string[];
  /** Fixed extra authorize query parameters. */
  readonly authorizeParams: Readonly<Record<string, string>>;
  /** Fixed extra token request parameters. */
  readonly tokenParams?: Readonly<Record<string, string>>;
  readonly postConnectHook?: PostConnectHook;
  /** URL the post-connect hook calls (Atlassian accessible-resources). */
  readonly postConnectUrl?: string;
  readonly tokenResponse: TokenResponseSpec;
  readonly requestAuth: RequestAuth;
}

/** API key + password exchanged for a short-lived bearer token (Plytix). */
export interface KeyPasswordTokenAuthSpec {
  readonly mode: 'key-password-token';
  readonly tokenUrl: string;
  readonly keyField: string;
  readonly passwordField: string;
  readonly accessTokenPath: string;
  readonly tokenTtlSeconds: number;
  readonly requestAuth: RequestAuth;
}

/** A long-lived bearer token pasted by an admin (Celigo). */
export interface StaticBearerAuthSpec {
  readonly mode: 'static-bearer';
  readonly requestAuth: RequestAuth;
}

/** NetSuite token-based authentication: OAuth 1.0a with HMAC-SHA256, signed per request. */
export interface TbaAuthSpec {
  readonly mode: 'tba';
  readonly signatureMethod: 'HMAC-SHA256';
  /** The realm is the account id in upper case with `_` (`1234567_SB1`). */
  readonly realmFrom: 'accountId';
  readonly requestAuth: { readonly kind: 'tba-signature'; readonly header: 'Authorization' };
}

/** One way a connection can authenticate. */
export type AuthSpec = OAuth2AuthSpec | KeyPasswordTokenAuthSpec | StaticBearerAuthSpec | TbaAuthSpec;

/** Where a value lives in a webhook delivery. */
export type ValueLocation =
  { readonly in: 'header'; readonly name: string } | { readonly in: 'body'; readonly path: string };

/** Where a provider's webhook keeps its dedup id, event type and time. */
export interface WebhookSpec {
  readonly scheme: WebhookScheme;
  readonly signatureHeader?: string;
  readonly dedupId?: ValueLocation;
  /** Further ids stored beside the dedup id (Shopify `X-Shopify-Event-Id`). */
  readonly alsoStore?: readonly ValueLocation[];
  readonly eventType?: ValueLocation;
  readonly timestamp?: ValueLocation & { readonly format: 'rfc3339' | 'unix-seconds' | 'epoch-ms' };
  /** Square signs `{notificationUrl}{body}`: the public URL must be configured exactly. */
  readonly signsNotificationUrl?: boolean;
  /**
   * Whose event a delivery is (Square `merchant_id`, Shopify `X-Shopify-Shop-Domain`) and the connection metadata field
   * holding the same account: what routes app-level deliveries (`POST /webhooks/{provider}`) to connections.
   */
  readonly accountKey?: {
    readonly location: ValueLocation;
    readonly metadataField: string;
    /** Where a static-token connection's account is read when its metadata does not name it (Square merchants/me). */
    readonly lookup?: { readonly path: string; readonly field: string };
  };
  /**
   * Event types that are privacy requests about an account's data (Shopify `shop/redact`): routed to every connection
   * of the account, whatever its status, since a disconnected shop's data must still go.
   */
  readonly complianceTopics?: readonly string[];
  /** Topics (Shopify) or event types (Square) a deployment subscribes to unless its config lists its own. */
  readonly defaultTopics?: readonly string[];
  /** Who owns subscriptions: `app` (Square: one per application) or `connection` (Shopify Admin API, per shop). */
  readonly registration?: 'app' | 'connection';
}

/** How a stream pages. */
export type PaginationSpec =
  | { readonly style: 'none' }
  | {
      readonly style: 'body-cursor';
      readonly requestField: string;
      readonly requestIn: 'body' | 'query';
      readonly responseField: string;
    }
  /** `keepOnlyParams`: only these query parameters of the next link travel on (Shopify); absent = the link as given. */
  | { readonly style: 'link-header'; readonly rel: 'next'; readonly keepOnlyParams?: readonly string[] }
  | {
      readonly style: 'offset-hasmore';
      readonly limitParam: string;
      readonly offsetParam: string;
      readonly hasMoreField: string;
      readonly pageSize: number;
    }
  | {
      readonly style: 'next-page-token';
      readonly requestParam: string;
      readonly responseField: string;
      readonly lastField: string;
    }
  | { readonly style: 'next-page-url'; readonly responseField: string };

/** Where a request parameter goes: the query string, or a dotted path of the JSON body. */
export type ParamPlace = 'query' | 'body';

/** One pullable stream. */
export interface StreamSpec {
  readonly method: 'GET' | 'POST';
  /** Path appended to the API base; may contain query parameters. */
  readonly path: string;
  /** JSON body template of a POST (every page of a chain sends it, with the cursor and filters applied). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** Headers the stream's requests need (NetSuite SuiteQL: `Prefer: transient`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Dotted path of the item array in the response body. */
  readonly itemsPath: string;
  readonly pagination: PaginationSpec;
  /** The page-size parameter and the provider's maximum (the deployment's SYNC_PAGE_SIZE is capped by it). */
  readonly pageSize?: { readonly param: string; readonly in: ParamPlace; readonly max: number };
  /**
   * Incremental pulls: the request parameter (query, or dotted for JSON bodies) and the item field it compares.
   * A `name:` prefix (`q:lastmodifieddate`, `jql:updated`) means the value goes inside an expression: a hook places it.
   */
  readonly incremental?: { readonly requestParam: string; readonly itemField: string };
  /**
   * One chain per record of another stream (Square orders per location): the partition id goes in `param`, as a
   * one-element list when `as` is `list`.
   */
  readonly partitionBy?: {
    readonly stream: CanonicalStream;
    readonly param: string;
    readonly in: ParamPlace;
    readonly as: 'value' | 'list';
  };
  /** Fetches one record by id (a webhook's follow-up): `{id}` in path or body is replaced by the id. */
  readonly lookup?: {
    readonly method: 'GET' | 'POST';
    readonly path: string;
    readonly body?: Readonly<Record<string, unknown>>;
    readonly itemsPath: string;
    /** Ids that do not match are not asked for (Shopify ids are digits). */
    readonly idPattern?: string;
  };
  /** A provider declared in configuration maps its items by this; built-in providers bring a mapper in code. */
  readonly mapping?: RecordMappingSpec;
  /** The provider's ids are 64-bit integers: `id` and `*_id` keys are kept as strings when parsing. */
  readonly bigIntIds?: boolean;
  readonly note?: string;
}

/** Signals that a response was rate limited, and the budget to plan with. */
export interface RateLimitSpec {
  readonly statuses: readonly number[];
  readonly retryAfterHeader: boolean;
  /** `used/limit` header (Shopify REST). */
  readonly callLimitHeader?: string;
  /** GraphQL `extensions.cost.throttleStatus` and `THROTTLED` errors (Shopify GraphQL). */
  readonly graphqlThrottleStatus?: boolean;
  /** Error codes in the body that mean "rate limited", with the status they come with. */
  readonly bodyErrorCodes?: readonly { readonly status: number; readonly code: string }[];
  /** `X-RateLimit-*` style headers. */
  readonly rateLimitHeaders?: { readonly limit: string; readonly remaining: string; readonly reset: string };
  readonly defaultBudget:
    | { readonly kind: 'leaky-bucket'; readonly capacity: number; readonly leakPerSecond: number }
    | { readonly kind: 'window'; readonly requests: number; readonly windowSeconds: number }
    | { readonly kind: 'concurrency'; readonly maxInFlight: number }
    | { readonly kind: 'unknown'; readonly requestsPerSecond: number };
}

/** A provider as data: what the services need to connect, call, page, throttle and verify webhooks. */
export interface ProviderDefinition {
  /** Config key (`square`, or a custom provider's own key). */
  readonly key: string;
  readonly displayName: string;
  /** `catalog` for built-ins; custom providers say which generic kind they instantiate. */
  readonly kind: 'catalog' | 'oauth2' | 'standard-webhooks';
  /** Ways to authenticate, preferred first; empty for inbound-only providers. */
  readonly auth: readonly AuthSpec[];
  readonly apiBase?: string;
  /** Extra headers pinned on every API call (`Square-Version`). */
  readonly extraHeaders: Readonly<Record<string, string>>;
  /** A cheap authenticated call proving the credentials work (path appended to apiBase). */
  readonly testConnection?: { readonly method: 'GET' | 'POST'; readonly path: string };
  /** Tenant-supplied URL placeholders and their validation. */
  readonly urlParts: UrlPartSpecs;
  readonly webhook: WebhookSpec;
  readonly rateLimit: RateLimitSpec;
  readonly streams: Partial<Readonly<Record<CanonicalStream, StreamSpec>>>;
  /** Provider-specific streams outside the canonical model (Jira issues, Celigo jobs). */
  readonly extraStreams?: Readonly<Record<string, StreamSpec>>;
}

/** The auth spec of a given mode, if the provider supports it. */
export function findAuth<M extends AuthSpec['mode']>(
  definition: ProviderDefinition,
  mode: M,
): Extract<AuthSpec, { mode: M }> | undefined {
  return definition.auth.find((spec): spec is Extract<AuthSpec, { mode: M }> => spec.mode === mode);
}
