import { BusError } from '@shelflink/contracts';
import { Clock } from '@shelflink/runtime';
import type { AuthConfig } from '../config/auth.config.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import type { OAuthService } from './oauth.service.js';
import { ShopifyInstallService, shopAlias } from './shopify-install.service.js';

describe('ShopifyInstallService', () => {
  const config = (tenant?: string) =>
    ({
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      ...(tenant !== undefined ? { SHELFLINK_SHOPIFY_INSTALL_TENANT: tenant } : {}),
    }) as AuthConfig;
  // Refused before any session starts, so no OAuth service is needed.
  const service = (values: AuthConfig) =>
    new ShopifyInstallService(values, new ProviderRegistry(values), undefined as unknown as OAuthService, new Clock());

  it.each([
    ['no install tenant', undefined],
    ['no Shopify app configured', 'demo'],
  ])('refuses installs with %s as INSTALL_NOT_CONFIGURED', async (_name, tenant) => {
    await expect(service(config(tenant)).start('shop=a.myshopify.com&timestamp=1&hmac=00')).rejects.toEqual(
      new BusError('INVALID_REQUEST', 'This deployment does not take installs from the Shopify admin'),
    );
    await expect(service(config(tenant)).start('')).rejects.toMatchObject({ reason: 'INSTALL_NOT_CONFIGURED' });
  });

  it('gives each shop one alias within the 32-character limit', () => {
    expect(shopAlias('demo-shop.myshopify.com')).toBe('demo-shop');
    const long = `${'a'.repeat(40)}.myshopify.com`;
    expect(shopAlias(long)).toMatch(/^a{23}-[0-9a-f]{8}$/);
    expect(shopAlias(long)).toBe(shopAlias(long));
    expect(shopAlias(`${'a'.repeat(41)}.myshopify.com`)).not.toBe(shopAlias(long));
  });
});
