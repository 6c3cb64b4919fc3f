import type { OAuth2AuthSpec, ProviderDefinition, WebhookSpec } from '../provider-definition.js';
import { BEARER, STANDARD_TOKEN_RESPONSE } from './common.js';

/** Fields a deployment gives for a custom OAuth 2.0 provider. */
export interface GenericOAuth2Options {
  readonly key: string;
  readonly displayName?: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl?: string;
  readonly apiBaseUrl: string;
  readonly pkce?: OAuth2AuthSpec['pkce'];
  readonly refresh?: OAuth2AuthSpec['refresh'];
  readonly tokenRequestEncoding?: OAuth2AuthSpec['tokenRequestEncoding'];
  readonly clientAuth?: OAuth2AuthSpec['clientAuth'];
  readonly scopeSeparator?: OAuth2AuthSpec['scopeSeparator'];
  readonly authorizeParams?: Readonly<Record<string, string>>;
  readonly testConnection?: ProviderDefinition['testConnection'];
  /** A custom OAuth provider may also send Standard Webhooks. */
  readonly webhookScheme?: 'standard-webhooks' | 'none';
  /** Streams pulled into the canonical model, mapped by configuration. */
  readonly streams?: ProviderDefinition['streams'];
}

/** Standard Webhooks headers: `webhook-id` is the idempotency key, `webhook-timestamp` Unix seconds. */
export const STANDARD_WEBHOOK_SPEC: WebhookSpec = {
  scheme: 'standard-webhooks',
  signatureHeader: 'webhook-signature',
  dedupId: { in: 'header', name: 'webhook-id' },
  eventType: { in: 'body', path: 'type' },
  timestamp: { in: 'header', name: 'webhook-timestamp', format: 'unix-seconds' },
};

const GENERIC_RATE_LIMIT: ProviderDefinition['rateLimit'] = {
  statuses: [429],
  retryAfterHeader: true,
  defaultBudget: { kind: 'unknown', requestsPerSecond: 5 },
};

/** Instantiates the generic `oauth2` kind: RFC 6749 code grant with PKCE S256 by default. */
export function genericOAuth2Provider(options: GenericOAuth2Options): ProviderDefinition {
  return {
    key: options.key,
    displayName: options.displayName ?? options.key,
    kind: 'oauth2',
    auth: [
      {
        mode: 'oauth2',
        authorizeUrl: options.authorizeUrl,
        tokenUrl: options.tokenUrl,
        ...(options.revokeUrl !== undefined ? { revokeUrl: options.revokeUrl } : {}),
        pkce: options.pkce ?? 'supported',
        refresh: options.refresh ?? 'rotating',
        tokenRequestEncoding: options.tokenRequestEncoding ?? 'form',
        clientAuth: options.clientAuth ?? 'basic',
        scopeSeparator: options.scopeSeparator ?? ' ',
        defaultScopes: [],
        authorizeParams: options.authorizeParams ?? {},
        tokenResponse: STANDARD_TOKEN_RESPONSE,
        requestAuth: BEARER,
      },
    ],
    apiBase: options.apiBaseUrl,
    extraHeaders: {},
    ...(options.testConnection !== undefined ? { testConnection: options.testConnection } : {}),
    urlParts: {},
    webhook: options.webhookScheme === 'standard-webhooks' ? STANDARD_WEBHOOK_SPEC : { scheme: 'none' },
    rateLimit: GENERIC_RATE_LIMIT,
    streams: options.streams ?? {},
  };
}

/** Instantiates the generic `standard-webhooks` kind: an inbound-only provider verified by Standard Webhooks. */
export function genericStandardWebhooksProvider(options: { key: string; displayName?: string }): ProviderDefinition {
  return {
    key: options.key,
    displayName: options.displayName ?? options.key,
    kind: 'standard-webhooks',
    auth: [],
    extraHeaders: {},
    urlParts: {},
    webhook: STANDARD_WEBHOOK_SPEC,
    rateLimit: GENERIC_RATE_LIMIT,
    streams: {},
  };
}
