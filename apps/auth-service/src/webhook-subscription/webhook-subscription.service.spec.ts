import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthConfig } from '../config/auth.config.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { WebhookSubscriptionService } from './webhook-subscription.service.js';

describe('WebhookSubscriptionService.registersFor and status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shelflink-subs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A real registry over a real provider file; the other collaborators are not reached by these methods. */
  const service = (shopify: Record<string, unknown>) => {
    const path = join(dir, `${Math.random()}.json`);
    const app = { clientId: 'id', clientSecret: 'secret', publicBaseUrl: 'https://hub.example.com', ...shopify };
    writeFileSync(path, JSON.stringify({ providers: { shopify: app } }));
    const config = { PROVIDERS_CONFIG: path, PUBLIC_BASE_URL: 'https://hub.example.com' } as AuthConfig;
    const unused = undefined as never;
    return new WebhookSubscriptionService(unused, new ProviderRegistry(config), unused, unused);
  };
  const shopifyConnection = { provider: 'shopify', authMode: 'oauth2' } as const;

  it('registers Shopify subscriptions per connection by default, with the catalog topics', () => {
    const subject = service({});
    expect(subject.registersFor(shopifyConnection)).toBe(true);
    expect(subject.registersFor({ provider: 'square', authMode: 'oauth2' })).toBe(false);
    expect(subject.status().providers).toEqual([
      {
        provider: 'shopify',
        scheme: 'shopify-hmac',
        registration: 'connection',
        registeredByShelflink: true,
        url: 'https://hub.example.com/webhooks/shopify/{connectionId}',
        topics: ['orders/create', 'orders/updated', 'products/update', 'inventory_levels/update', 'app/uninstalled'],
      },
    ]);
  });

  it('registers nothing per shop when the app configuration declares the subscriptions (webhookRegistration: app)', () => {
    const subject = service({ webhookRegistration: 'app', webhookTopics: ['orders/create'] });
    expect(subject.registersFor(shopifyConnection)).toBe(false);
    expect(subject.status().providers[0]).toMatchObject({
      registration: 'app',
      registeredByShelflink: false,
      url: 'https://hub.example.com/webhooks/shopify',
      topics: ['orders/create'],
    });
  });
});
