import type { BusError } from '@shelflink/contracts';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { catalogStream, idempotentPlan, proxyBody } from './proxy-body.js';

const account = (provider: string): ProviderAccount =>
  ({
    provider,
    streams: [{ method: 'POST', path: '/v2/catalog/search', itemsPath: 'objects', pagination: { style: 'none' } }],
  }) as unknown as ProviderAccount;

describe('proxy body', () => {
  it('adds a Square idempotency_key to a write that has none, so it may be retried', () => {
    const plan = idempotentPlan(account('square'), 'POST', '/v2/payments', { json: { amount_money: { amount: 1 } } });
    expect(plan.idempotent).toBe(true);
    expect(plan.body.json).toEqual({ amount_money: { amount: 1 }, idempotency_key: expect.any(String) });
    const kept = idempotentPlan(account('square'), 'POST', '/v2/payments', { json: { idempotency_key: 'mine' } });
    expect(kept.body.json).toEqual({ idempotency_key: 'mine' });
  });

  it('treats a catalog stream POST as a read and any other POST without a key as not repeatable', () => {
    const search = idempotentPlan(account('square'), 'POST', '/v2/catalog/search?x=1', { json: { limit: 1 } });
    expect(search).toEqual({ idempotent: true, body: { json: { limit: 1 } } });
    expect(idempotentPlan(account('shopify'), 'POST', '/orders.json', { json: {} }).idempotent).toBe(false);
    expect(idempotentPlan(account('shopify'), 'DELETE', '/orders/1.json', {}).idempotent).toBe(true);
    expect(catalogStream(account('square'), 'GET', '/v2/catalog/search')).toBeUndefined();
  });

  it('refuses a body over the limit with PAYLOAD_TOO_LARGE', () => {
    const request = { tenantId: 't', connectionId: 'c', method: 'POST' as const, path: '/x' };
    const reasonOf = (run: () => unknown) => {
      try {
        run();
        return undefined;
      } catch (error) {
        return (error as BusError).reason;
      }
    };
    expect(reasonOf(() => proxyBody({ ...request, json: { a: 'x'.repeat(100) } }, 50))).toBe('PAYLOAD_TOO_LARGE');
    expect(reasonOf(() => proxyBody({ ...request, bodyBase64: Buffer.alloc(51).toString('base64') }, 50))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(proxyBody({ ...request, bodyBase64: 'aGk=' }, 50)).toEqual({ raw: Buffer.from('hi') });
  });
});
