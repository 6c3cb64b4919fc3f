import { Injectable } from '@nestjs/common';
import type { ConnectionSummary } from '@shelflink/contracts';
import {
  buildProviderUrl,
  loadProviderConfig,
  PROVIDER_CATALOG,
  type ProviderDefinition,
  type RateLimitSpec,
  type ResolvedProvider,
  type StreamSpec,
} from '@shelflink/providers';

/** What sync-service needs of a provider: its definition (with overrides) and whether loopback http is allowed. */
type CatalogEntry = Pick<ResolvedProvider, 'key' | 'definition' | 'allowLoopbackHttp'>;
import type { BucketConfig } from '@shelflink/resilience';
import { providerConfigEnv, SyncConfig } from '../config/sync.config.js';
import { SyncError } from './provider.errors.js';

/** Where and how to call one connection's provider API; one rate budget and breaker per `key`. */
export interface ProviderAccount {
  readonly key: string;
  readonly provider: string;
  readonly connection: ConnectionSummary;
  /** API base with the connection's URL parts filled in (e.g. the Shopify shop). */
  readonly baseUrl: string;
  readonly extraHeaders: Readonly<Record<string, string>>;
  readonly bucket: BucketConfig;
  /** Requests in flight the account allows at once across replicas (a concurrency budget), or null for none. */
  readonly concurrency: number | null;
  /** The catalog's streams (canonical and extra): their pagination and which POSTs are reads. */
  readonly streams: readonly StreamSpec[];
  /** The catalog's signals of "rate limited, wait N": what the HTTP client reads on every response. */
  readonly rateLimit: RateLimitSpec;
}

/**
 * One budget and one breaker per provider account, not per connection: two connections to one Shopify shop or
 * Square merchant share the provider's limit, so they share the bucket.
 */
export function accountKey(connection: ConnectionSummary): string {
  const { shop, merchantId, accountId } = connection.metadata;
  const account = [shop, merchantId, accountId].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  return `${connection.provider}:${account ?? connection.id}`;
}

/** The provider catalog with this deployment's overrides (base URLs only; sync-service uses no app secrets). */
@Injectable()
export class ProviderCatalog {
  private readonly providers: ReadonlyMap<string, CatalogEntry>;

  constructor(private readonly config: SyncConfig) {
    // Without a config file the catalog's real API base URLs apply.
    this.providers =
      config.PROVIDERS_CONFIG === undefined
        ? new Map(
            Object.entries(PROVIDER_CATALOG).map(([key, definition]) => [
              key,
              { key, definition, allowLoopbackHttp: false },
            ]),
          )
        : loadProviderConfig({
            path: config.PROVIDERS_CONFIG,
            env: providerConfigEnv(),
            sandboxUrl: config.SANDBOX_URL,
            // Only webhook settings use the public URL, and sync-service receives no webhooks.
            gatewayUrl: config.PUBLIC_BASE_URL ?? 'http://127.0.0.1',
          });
  }

  /** Keys of the providers this deployment knows (built-in and declared in its providers config). */
  keys(): string[] {
    return [...this.providers.keys()];
  }

  /** A provider's definition with this deployment's overrides; undefined for a key it does not know. */
  definition(key: string): ProviderDefinition | undefined {
    return this.providers.get(key)?.definition;
  }

  accountFor(connection: ConnectionSummary): ProviderAccount {
    const provider = this.providers.get(connection.provider);
    const apiBase = provider?.definition.apiBase;
    if (!provider || !apiBase)
      throw new SyncError('UNSUPPORTED_PROVIDER', `No API configured for ${connection.provider}`);
    const params = Object.fromEntries(
      Object.entries(connection.metadata).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const baseUrl = buildProviderUrl(apiBase, params, provider.definition.urlParts, {
      allowLoopbackHttp: provider.allowLoopbackHttp,
    }).replace(/\/$/, '');
    return {
      key: accountKey(connection),
      provider: connection.provider,
      connection,
      baseUrl,
      extraHeaders: provider.definition.extraHeaders,
      bucket: this.bucketFor(provider),
      concurrency: this.concurrencyFor(provider),
      streams: [
        ...Object.values(provider.definition.streams),
        ...Object.values(provider.definition.extraStreams ?? {}),
      ],
      rateLimit: provider.definition.rateLimit,
    };
  }

  private concurrencyFor(provider: CatalogEntry): number | null {
    const budget = provider.definition.rateLimit.defaultBudget;
    return (
      this.config.SYNC_CONCURRENCY_LIMITS[provider.key] ?? (budget.kind === 'concurrency' ? budget.maxInFlight : null)
    );
  }

  private bucketFor(provider: CatalogEntry): BucketConfig {
    const override = this.config.SYNC_RATE_LIMITS[provider.key];
    if (override) return override;
    const budget = provider.definition.rateLimit.defaultBudget;
    switch (budget.kind) {
      case 'leaky-bucket':
        // A little under the provider's leak: our refill and its leak run on different clocks.
        return { capacity: budget.capacity, refillPerSecond: budget.leakPerSecond * 0.95 };
      case 'window':
        return windowBucket(budget.requests, budget.windowSeconds);
      case 'concurrency':
        return { capacity: budget.maxInFlight, refillPerSecond: budget.maxInFlight };
      case 'unknown':
        return { capacity: budget.requestsPerSecond, refillPerSecond: budget.requestsPerSecond };
    }
  }
}

/**
 * A bucket that never sends more than `requests` in any `seconds` (the provider counts a sliding window): a full
 * bucket plus one window's refill must fit, so a small burst and the rest as refill, with a margin for clock drift.
 */
export function windowBucket(requests: number, seconds: number): BucketConfig {
  const capacity = Math.max(1, Math.floor(requests / 10));
  return { capacity, refillPerSecond: ((requests - capacity) * 0.9) / seconds };
}
