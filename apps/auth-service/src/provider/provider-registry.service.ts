import { Injectable } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import {
  buildProviderUrl,
  getCatalogProvider,
  isCatalogProviderKey,
  loadProviderConfig,
  type ProviderDefinition,
  type ResolvedProvider,
  type ResolvedProviders,
  type UrlParams,
} from '@shelflink/providers';
import { AuthConfig, providerSecretEnv } from '../config/auth.config.js';
import { validateMetadata } from './connection-metadata.js';
import { requestHeaders } from './token-response.js';

/** The provider configuration file resolved once at boot; catalog providers work without it for static credentials. */
@Injectable()
export class ProviderRegistry {
  private readonly resolved: ResolvedProviders;

  constructor(private readonly config: AuthConfig) {
    this.resolved =
      config.PROVIDERS_CONFIG === undefined
        ? new Map()
        : loadProviderConfig({
            path: config.PROVIDERS_CONFIG,
            env: providerSecretEnv(),
            ...(config.SANDBOX_URL !== undefined ? { sandboxUrl: config.SANDBOX_URL } : {}),
            gatewayUrl: config.PUBLIC_BASE_URL,
          });
  }

  /** Configured provider (app credentials, overridden URLs), if any. */
  configured(key: string): ResolvedProvider | undefined {
    const provider = this.resolved.get(key);
    return provider?.enabled === false ? undefined : provider;
  }

  /** Every enabled provider of the configuration file. */
  configuredProviders(): ResolvedProvider[] {
    return [...this.resolved.values()].filter((provider) => provider.enabled);
  }

  /** The definition to use for `key`: configured overrides first, else the catalog; unknown → INVALID_REQUEST. */
  definition(key: string): ProviderDefinition {
    const configured = this.configured(key);
    if (configured) return configured.definition;
    if (isCatalogProviderKey(key)) return getCatalogProvider(key);
    throw new BusError('INVALID_REQUEST', `Unknown provider "${key}"`);
  }

  /** Fills a URL template with a connection's validated metadata. */
  url(key: string, template: string, params: UrlParams): string {
    const allowLoopbackHttp = this.configured(key)?.allowLoopbackHttp ?? false;
    return buildProviderUrl(template, params, this.definition(key).urlParts, { allowLoopbackHttp });
  }

  /** Validates URL-bound metadata (shop, accountId, cloudId, region) against the provider's patterns. */
  validateMetadata(
    definition: ProviderDefinition,
    metadata: Record<string, unknown>,
    templates: readonly string[],
  ): Record<string, unknown> {
    return validateMetadata(definition, metadata, templates);
  }

  /** The headers a caller attaches to a provider request: its auth header plus pinned extras (Square-Version). */
  requestHeaders(key: string, accessToken: string): Record<string, string> {
    return requestHeaders(this.definition(key), accessToken);
  }

  /** Where the gateway receives this provider's OAuth redirects. */
  get redirectUri(): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/oauth/callback`;
  }

  /** Where a connection's own webhooks go: `{publicBaseUrl}/webhooks/{provider}/{connectionId}`. */
  connectionWebhookUrl(key: string, connectionId: string): string {
    return `${this.appWebhookUrl(key)}/${encodeURIComponent(connectionId)}`;
  }

  /** The app-level webhook URL (Square's notification URL, Shopify's app config): `{publicBaseUrl}/webhooks/{provider}`. */
  appWebhookUrl(key: string): string {
    return `${this.configured(key)?.publicBaseUrl ?? this.publicBaseUrl}/webhooks/${key}`;
  }

  /** Who registers a provider's subscriptions and for which topics: the deployment's config, else the catalog's. */
  webhookSubscriptions(key: string): { registration: 'connection' | 'app'; topics: readonly string[] } {
    const configured = this.configured(key);
    const webhook = this.definition(key).webhook;
    return {
      registration: configured?.webhookRegistration ?? webhook.registration ?? 'connection',
      topics: configured?.webhookTopics ?? webhook.defaultTopics ?? [],
    };
  }

  get publicBaseUrl(): string {
    return this.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  }
}
