import { randomBytes } from 'node:crypto';

/** A webhook subscription declared in an app's configuration (Square Developer Console, `shopify.app.toml`). */
export interface AppSubscriptionConfig {
  /** Square notification URL or Shopify `uri`. */
  readonly url: string;
  /** Square event types or Shopify topics (REST names, e.g. `orders/create`). */
  readonly events: readonly string[];
  readonly name?: string;
  readonly apiVersion?: string;
  readonly enabled?: boolean;
  /** Square only: the subscription's signature key (generated when absent). Shopify signs with the client secret. */
  readonly signatureKey?: string;
}

/** One Square subscription; they belong to the application, never to a seller. */
export interface SquareSubscription {
  readonly id: string;
  readonly clientId: string;
  readonly fromConfig: boolean;
  name: string;
  enabled: boolean;
  eventTypes: string[];
  notificationUrl: string;
  apiVersion: string;
  signatureKey: string;
  readonly createdAt: number;
  updatedAt: number;
}

/** One Shopify subscription: per shop (Admin API, `shop` set) or app-level (app configuration, `shop` null). */
export interface ShopifySubscription {
  readonly id: number;
  readonly clientId: string;
  readonly shop: string | null;
  topic: string;
  address: string;
  apiVersion: string;
  includeFields: string[];
  readonly createdAt: number;
  updatedAt: number;
}

export const SQUARE_DEFAULT_API_VERSION = '2026-05-20';
export const SHOPIFY_DEFAULT_API_VERSION = '2026-07';

/** Every app's webhook subscriptions, for both providers. */
export class SubscriptionBook {
  private readonly square = new Map<string, SquareSubscription>();
  private readonly shopify = new Map<number, ShopifySubscription>();
  private nextShopifyId = 1_100_000_000;

  constructor(private readonly now: () => number) {}

  /** Replaces the app's configured (not API-made) subscriptions with the ones its configuration declares. */
  applyConfig(provider: string, clientId: string, configs: readonly AppSubscriptionConfig[]): void {
    if (provider === 'square') {
      for (const s of this.squareOf(clientId, true)) if (s.fromConfig) this.square.delete(s.id);
      configs.forEach((c, k) =>
        this.addSquare(clientId, true, {
          name: c.name ?? `config-${k + 1}`,
          eventTypes: [...c.events],
          notificationUrl: c.url,
          apiVersion: c.apiVersion ?? SQUARE_DEFAULT_API_VERSION,
          enabled: c.enabled ?? true,
          signatureKey: c.signatureKey,
        }),
      );
    }
    if (provider === 'shopify') {
      for (const s of this.shopifyOf(clientId, null)) this.shopify.delete(s.id);
      for (const c of configs) {
        if (c.enabled === false) continue;
        for (const topic of c.events)
          this.addShopify(clientId, null, { topic, address: c.url, apiVersion: c.apiVersion });
      }
    }
  }

  addSquare(
    clientId: string,
    fromConfig: boolean,
    fields: Omit<SquareSubscription, 'id' | 'clientId' | 'fromConfig' | 'createdAt' | 'updatedAt' | 'signatureKey'> & {
      signatureKey?: string;
    },
  ): SquareSubscription {
    const now = this.now();
    const subscription: SquareSubscription = {
      ...fields,
      id: `wbhk_${randomBytes(16).toString('hex')}`,
      clientId,
      fromConfig,
      signatureKey: fields.signatureKey ?? newSignatureKey(),
      createdAt: now,
      updatedAt: now,
    };
    this.square.set(subscription.id, subscription);
    return subscription;
  }

  /** The app's Square subscriptions in creation order (disabled ones only when asked). */
  squareOf(clientId: string, includeDisabled: boolean): SquareSubscription[] {
    return [...this.square.values()].filter((s) => s.clientId === clientId && (includeDisabled || s.enabled));
  }

  squareById(clientId: string, id: string): SquareSubscription | undefined {
    const subscription = this.square.get(id);
    return subscription?.clientId === clientId ? subscription : undefined;
  }

  updateSquare(subscription: SquareSubscription, changes: Partial<SquareSubscription>): SquareSubscription {
    Object.assign(subscription, changes, { updatedAt: this.now() });
    return subscription;
  }

  deleteSquare(id: string): void {
    this.square.delete(id);
  }

  addShopify(
    clientId: string,
    shop: string | null,
    fields: { topic: string; address: string; apiVersion?: string; includeFields?: string[] },
  ): ShopifySubscription {
    const now = this.now();
    const subscription: ShopifySubscription = {
      id: this.nextShopifyId++,
      clientId,
      shop,
      topic: fields.topic,
      address: fields.address,
      apiVersion: fields.apiVersion ?? SHOPIFY_DEFAULT_API_VERSION,
      includeFields: fields.includeFields ?? [],
      createdAt: now,
      updatedAt: now,
    };
    this.shopify.set(subscription.id, subscription);
    return subscription;
  }

  /** The app's subscriptions for one shop (`null`: the app-level ones), in creation order. */
  shopifyOf(clientId: string, shop: string | null): ShopifySubscription[] {
    return [...this.shopify.values()].filter((s) => s.clientId === clientId && s.shop === shop);
  }

  shopifyById(clientId: string, shop: string, id: number): ShopifySubscription | undefined {
    const subscription = this.shopify.get(id);
    return subscription?.clientId === clientId && subscription.shop === shop ? subscription : undefined;
  }

  updateShopify(subscription: ShopifySubscription, changes: Partial<ShopifySubscription>): ShopifySubscription {
    Object.assign(subscription, changes, { updatedAt: this.now() });
    return subscription;
  }

  deleteShopify(id: number): void {
    this.shopify.delete(id);
  }

  /** Every subscription, for the admin API and tests. */
  list(): { square: SquareSubscription[]; shopify: ShopifySubscription[] } {
    return { square: [...this.square.values()], shopify: [...this.shopify.values()] };
  }
}

/** A Square-style signature key (22 url-safe characters). */
export function newSignatureKey(): string {
  return randomBytes(16).toString('base64url');
}
