import type { ConnectionSummary } from '@shelflink/contracts';
import { accountKey } from './provider-catalog.service.js';

const connection = (id: string, provider: string, metadata: Record<string, unknown>): ConnectionSummary => ({
  id,
  tenantId: 't',
  provider,
  alias: id,
  status: 'active',
  metadata,
});

describe('accountKey', () => {
  it('shares one budget between connections to the same shop or merchant', () => {
    expect(accountKey(connection('a', 'shopify', { shop: 's.myshopify.com' }))).toBe(
      accountKey(connection('b', 'shopify', { shop: 's.myshopify.com' })),
    );
    expect(accountKey(connection('a', 'square', { merchantId: 'M1' }))).toBe('square:M1');
  });

  it('falls back to the connection id', () => {
    expect(accountKey(connection('c1', 'celigo', {}))).toBe('celigo:c1');
  });
});
