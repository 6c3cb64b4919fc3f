// Public API of @shelflink/providers: providers as data plus the typed hooks data cannot express.
export { ProviderError } from './providers.errors.js';
export type { ProviderErrorCode } from './providers.errors.js';
export { findAuth } from './provider-definition.js';
export type {
  AuthSpec,
  CanonicalStream,
  KeyPasswordTokenAuthSpec,
  OAuth2AuthSpec,
  PaginationSpec,
  PostConnectHook,
  ProviderDefinition,
  RateLimitSpec,
  RequestAuth,
  StaticBearerAuthSpec,
  StreamSpec,
  TbaAuthSpec,
  TokenResponseSpec,
  ValueLocation,
  WebhookScheme,
  WebhookSpec,
} from './provider-definition.js';

export {
  PROVIDER_CATALOG,
  GENERIC_PROVIDER_KINDS,
  getCatalogProvider,
  isCatalogProviderKey,
} from './catalog/catalog.js';
export type { CatalogProviderKey } from './catalog/catalog.js';
export {
  genericOAuth2Provider,
  genericStandardWebhooksProvider,
  STANDARD_WEBHOOK_SPEC,
} from './catalog/generic.provider.js';
export type { GenericOAuth2Options } from './catalog/generic.provider.js';
export { SQUARE_API_VERSION } from './catalog/square.provider.js';
export { SHOPIFY_API_VERSION } from './catalog/shopify.provider.js';
export { SUITEQL_ISO_FORMAT } from './catalog/netsuite.provider.js';

export { buildProviderUrl, validateUrlPart, templatePlaceholders, isLoopbackHost } from './url/provider-url.js';
export type { BuildUrlOptions } from './url/provider-url.js';
export {
  SHOP_PART,
  NETSUITE_ACCOUNT_PART,
  ATLASSIAN_CLOUD_ID_PART,
  CELIGO_REGION_PART,
  netsuiteHostId,
  netsuiteRealm,
} from './url/url-parts.js';
export type { UrlParams, UrlPartSpec, UrlPartSpecs } from './url/url-parts.js';

export { verifyWebhook } from './webhooks/verify-webhook.js';
export { connectionAccountKey, valueAtPath } from './webhooks/webhook-body.js';
export { readHeader } from './webhooks/webhook-headers.js';
export { decodeStandardWebhookSecret } from './webhooks/standard-webhooks.verifier.js';
export type {
  WebhookAccepted,
  WebhookFailureCode,
  WebhookHeaders,
  WebhookInput,
  WebhookRejected,
  WebhookVerification,
} from './webhooks/webhook.types.js';

export { signTbaRequest } from './signing/tba-signer.js';
export type { TbaRequest } from './signing/tba-signer.js';
export {
  percentEncode,
  signatureBaseString,
  normalizeParameters,
  hmacSignature,
  decodeFormPairs,
} from './signing/oauth1.js';
export type { OAuthParam } from './signing/oauth1.js';
export { verifyShopifyCallbackHmac, shopifyCallbackMessage } from './signing/shopify-callback-hmac.js';
export type { CallbackQuery } from './signing/shopify-callback-hmac.js';

export { CURRENCY_EXPONENTS, currencyExponent } from './mapping/currency.js';
export {
  squareMoneyToCanonical,
  shopifyMoneyToCanonical,
  decimalToMinorUnits,
  minorUnitsToDecimal,
} from './mapping/money.js';
export type { CanonicalMoney } from './mapping/money.js';
export { canonicalQuantity } from './mapping/quantity.js';
export { CANONICAL_FIELDS, type CanonicalFieldSpec, type RecordMappingSpec } from './mapping/record-mapping.js';
export { parseJsonPreservingBigInts, quoteLargeIntegers } from './mapping/big-int-json.js';
export type { BigIntJsonOptions } from './mapping/big-int-json.js';

export { parseRetryAfter, parseHttpDate } from './http/retry-after.js';
export type { RetryAfterOptions } from './http/retry-after.js';
export { parseShopifyCallLimit, detectRateLimit } from './http/rate-limit.js';
export type { CallLimit, RateLimitResponse, RateLimitSignal } from './http/rate-limit.js';
export {
  DEFAULT_MAX_RETRY_AFTER_MS,
  headerValue,
  parseThrottleStatus,
  type HeaderBag,
  type RateSignals,
  type ThrottleStatus,
} from './http/rate-signals.js';
export {
  bufferedAnswer,
  sendProviderRequest,
  type ProviderHttpAnswer,
  type ProviderHttpRequest,
} from './http/provider-transport.js';
export { linkTarget, nextCursor, resumePage, type FetchedPage } from './pagination/next-page.js';
export { valueAt, withQueryParam } from './pagination/page-request.js';
export {
  walkPages,
  isCursorRefusal,
  PageWalkError,
  type PageRequest,
  type PageResponse,
  type PageWalkErrorCode,
  type PageWalkErrorDetails,
  type SendPage,
  type WalkOptions,
} from './pagination/paginate.js';

export { providerConfigSchema, providerEntrySchema, secretRefSchema } from './config/provider-config.js';
export type { ProviderConfigFile, ProviderEntry, SecretRef } from './config/provider-config.js';
export { loadProviderConfig, resolveProviderConfig, webhookNotificationUrl } from './config/provider-config.loader.js';
export type { ProviderConfigOptions, ResolvedProvider, ResolvedProviders } from './config/provider-config.loader.js';
