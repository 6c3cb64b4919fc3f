import { AccountDataset, accountSeed, type DatasetSizes } from '../dataset/dataset.js';
import { safeEqual } from '../oauth/pkce.js';
import { WindowLimiter, type WindowConfig } from '../rate/window-limiter.js';
import { LeakyBucket, type BucketConfig } from '../shopify/leaky-bucket.js';
import { stringHash } from '../util/prng.js';
import { SubscriptionBook, type AppSubscriptionConfig } from '../webhooks/subscriptions.js';

/** Providers the sandbox simulates. `oauth2` is the generic RFC 6749 server (Atlassian-like, NetSuite-like). */
export const PROVIDERS = ['square', 'shopify', 'oauth2', 'atlassian', 'netsuite', 'plytix', 'celigo'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface AppConfig {
  readonly provider: ProviderName;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly webhookSignatureKey?: string;
  /** When set, authorize and token requests must use one of these. */
  readonly redirectUris?: readonly string[];
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
  /** Square: the application's personal access token (the Webhook Subscriptions API takes only this). */
  readonly personalAccessToken?: string;
  /** Subscriptions declared in the app's configuration (Square Developer Console, `shopify.app.toml`). */
  readonly webhookSubscriptions?: readonly AppSubscriptionConfig[];
}

export interface AccountConfig {
  readonly provider: ProviderName;
  readonly account: string;
  readonly locations?: number;
  readonly products?: number;
  readonly orders?: number;
  /** The simulated user declines the consent screen. */
  readonly deny?: boolean;
  readonly accessTokenTtlSeconds?: number;
  readonly bucket?: BucketConfig;
  readonly timezoneOffsetMinutes?: number;
  /** NetSuite TBA access tokens (token id + secret) valid for this account. */
  readonly tbaTokens?: readonly { readonly tokenId: string; readonly tokenSecret: string }[];
  /** Names the merchant typed for the first products (any text, markup included), instead of generated ones. */
  readonly productNames?: readonly string[];
  /** Jira: how many issues the site holds (stands in for `orders`). */
  readonly issues?: number;
  /** Jira burst / Plytix request window for this account (provider defaults otherwise). */
  readonly rateLimit?: WindowConfig;
  /** NetSuite: concurrent requests the account accepts (Tier 1 default 15). */
  readonly concurrencyLimit?: number;
}

export interface AccountState {
  config: AccountConfig;
  readonly tag: number;
  readonly bucket: LeakyBucket;
  readonly limiter: WindowLimiter;
  dataset: AccountDataset | null;
}

export interface RegistryOptions {
  readonly seed: number;
  readonly sizes: DatasetSizes;
  readonly anchor: number;
  readonly spanDays: number;
  readonly bucket: BucketConfig;
  readonly now: () => number;
}

const SHOPIFY_OFFSETS = [-300, -240, -420, 0, 60, 600] as const;
// Celigo: a per-account leaky bucket of 1,000 requests refilled at 300/s (developer.celigo.com rate limits).
const DEFAULT_BUCKETS: Partial<Record<ProviderName, BucketConfig>> = { celigo: { capacity: 1000, leakPerSecond: 300 } };
// Plytix free plan: 20 requests per 10 s, 2,000 per hour (help.plytix.com/api). Jira publishes no burst numbers.
const DEFAULT_WINDOWS: Partial<Record<ProviderName, WindowConfig>> = {
  plytix: { requests: 20, seconds: 10, hourly: 2000 },
  atlassian: { requests: 100, seconds: 1 },
};
const UNLIMITED: WindowConfig = { requests: Number.MAX_SAFE_INTEGER, seconds: 1 };

/** Registered apps and accounts, and each account's lazily created dataset. */
export class Registry {
  private readonly apps = new Map<string, AppConfig>();
  private readonly accounts = new Map<string, AccountState>();
  /** Webhook subscriptions belong to apps. */
  readonly subscriptions: SubscriptionBook;

  constructor(readonly options: RegistryOptions) {
    this.subscriptions = new SubscriptionBook(options.now);
  }

  /** Creates or replaces an app; its configured webhook subscriptions replace the previously configured ones. */
  upsertApp(app: AppConfig): AppConfig {
    this.apps.set(`${app.provider}\n${app.clientId}`, app);
    this.subscriptions.applyConfig(app.provider, app.clientId, app.webhookSubscriptions ?? []);
    return app;
  }

  /** The app whose personal access token this is. */
  appByPersonalToken(provider: ProviderName, token: string): AppConfig | undefined {
    return this.appsOf(provider).find(
      (a) => a.personalAccessToken !== undefined && safeEqual(a.personalAccessToken, token),
    );
  }

  app(provider: ProviderName, clientId: string): AppConfig | undefined {
    return this.apps.get(`${provider}\n${clientId}`);
  }

  /** The first app registered for a provider (the default app for provider-wide operations). */
  appsOf(provider: ProviderName): AppConfig[] {
    return [...this.apps.values()].filter((a) => a.provider === provider);
  }

  listApps(): AppConfig[] {
    return [...this.apps.values()];
  }

  /** Creates or updates an account; a size change regenerates its data. */
  upsertAccount(config: AccountConfig): AccountState {
    const existing = this.accounts.get(`${config.provider}\n${config.account}`);
    if (existing) {
      const merged = { ...existing.config, ...config };
      const resized = ['locations', 'products', 'orders', 'issues'].some(
        (k) => merged[k as keyof AccountConfig] !== existing.config[k as keyof AccountConfig],
      );
      existing.config = merged;
      if (config.bucket) existing.bucket.config = config.bucket;
      if (config.rateLimit) existing.limiter.config = config.rateLimit;
      if (resized) existing.dataset = null;
      return existing;
    }
    const state: AccountState = {
      config,
      tag: stringHash(`${config.provider}:${config.account}`),
      bucket: new LeakyBucket(config.bucket ?? DEFAULT_BUCKETS[config.provider] ?? this.options.bucket),
      limiter: new WindowLimiter(config.rateLimit ?? DEFAULT_WINDOWS[config.provider] ?? UNLIMITED),
      dataset: null,
    };
    this.accounts.set(`${config.provider}\n${config.account}`, state);
    return state;
  }

  account(provider: ProviderName, account: string): AccountState | undefined {
    return this.accounts.get(`${provider}\n${account}`);
  }

  /** The account, created with defaults on first sight (accounts auto-register on authorize). */
  ensureAccount(provider: ProviderName, account: string): AccountState {
    return this.account(provider, account) ?? this.upsertAccount({ provider, account });
  }

  listAccounts(provider?: ProviderName): AccountState[] {
    return [...this.accounts.values()].filter((a) => provider === undefined || a.config.provider === provider);
  }

  dataset(state: AccountState): AccountDataset {
    if (!state.dataset) {
      const { config } = state;
      state.dataset = new AccountDataset({
        seed: accountSeed(this.options.seed, config.provider, config.account),
        locations: config.locations ?? this.options.sizes.locations,
        products: config.products ?? this.options.sizes.products,
        orders: config.issues ?? config.orders ?? this.options.sizes.orders,
        anchor: this.options.anchor,
        spanDays: this.options.spanDays,
        precisionMs: config.provider === 'shopify' ? 1000 : 1,
        ...(config.productNames ? { productNames: config.productNames } : {}),
      });
    }
    return state.dataset;
  }

  /** The UTC offset a Shopify shop renders its timestamps in. */
  timezoneOffset(state: AccountState): number {
    return state.config.timezoneOffsetMinutes ?? SHOPIFY_OFFSETS[state.tag % SHOPIFY_OFFSETS.length] ?? 0;
  }
}
