import { planSubscriptions } from './subscription-plan.js';

describe('planSubscriptions', () => {
  const url = 'https://hub.example.com/webhooks/shopify/c1';
  const at = (id: string, topic: string, address = url) => ({ id, topic, address });

  it('creates every wanted topic on an empty shop, once', () => {
    expect(planSubscriptions([], url, ['orders/create', 'app/uninstalled', 'orders/create'])).toEqual({
      create: ['orders/create', 'app/uninstalled'],
      remove: [],
    });
  });

  it('keeps what matches, creates what is missing, deletes unwanted topics and duplicates at our URL only', () => {
    const listed = [
      at('1', 'orders/create'),
      at('2', 'orders/create'),
      at('3', 'products/delete'),
      at('4', 'products/delete', 'https://merchant.example.com/hook'),
      at('5', 'orders/create', 'https://hub.example.com/webhooks/shopify/c2'),
    ];
    expect(planSubscriptions(listed, url, ['orders/create', 'orders/updated'])).toEqual({
      create: ['orders/updated'],
      remove: [at('2', 'orders/create'), at('3', 'products/delete')],
    });
  });

  it('removes all of ours when nothing is wanted (disconnect)', () => {
    expect(planSubscriptions([at('1', 'orders/create'), at('9', 'x/y', 'https://other')], url, [])).toEqual({
      create: [],
      remove: [at('1', 'orders/create')],
    });
  });
});
