import { canonicalEventPayload } from '@shelflink/contracts';
import { CanonicalMappingError, toCanonicalEvent, type MappableEvent } from './canonical-event.mapper.js';

const event = (provider: string, eventType: string, body: unknown): MappableEvent => ({
  tenantId: 't1',
  connectionId: 'c1',
  provider,
  eventType,
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('toCanonicalEvent', () => {
  it('maps a Square order event to order.changed that needs a fetch, with its version', () => {
    const payload = toCanonicalEvent(
      event('square', 'order.updated', {
        type: 'order.updated',
        event_id: 'e1',
        data: {
          type: 'order',
          id: 'ord_1',
          object: {
            order_updated: { order_id: 'ord_1', version: 3, state: 'OPEN', updated_at: '2026-05-20T14:25:28.105Z' },
          },
        },
      }),
    );
    expect(payload).toEqual({
      tenantId: 't1',
      connectionId: 'c1',
      provider: 'square',
      providerEventType: 'order.updated',
      kind: 'order.changed',
      externalId: 'ord_1',
      needsFetch: true,
      sourceVersion: '3',
      sourceUpdatedAt: '2026-05-20T14:25:28.105Z',
    });
    expect(canonicalEventPayload.parse(payload)).toEqual(payload);
  });

  it.each([
    ['payment.created', 'payment.created'],
    ['payment.updated', 'payment.updated'],
    ['refund.created', 'refund.created'],
    ['inventory.count.updated', 'inventory.changed'],
    ['catalog.version.updated', 'product.changed'],
    ['location.updated', 'location.changed'],
    ['oauth.authorization.revoked', 'app.uninstalled'],
    ['team_member.created', 'other'],
  ])('maps Square %s to %s', (type, kind) => {
    const payload = toCanonicalEvent(
      event('square', type, { type, data: { id: 'x1', object: { payment: { id: 'x1' } } } }),
    );
    expect(payload.kind).toBe(kind);
    expect(canonicalEventPayload.safeParse(payload).success).toBe(true);
  });

  it('keeps Shopify 64-bit ids exactly and normalises offset timestamps to UTC', () => {
    const payload = toCanonicalEvent(
      event('shopify', 'orders/updated', '{"id":820982911946154508,"updated_at":"2026-07-10T12:00:00-05:00"}'),
    );
    expect(payload).toMatchObject({
      kind: 'order.changed',
      externalId: '820982911946154508',
      needsFetch: false,
      sourceUpdatedAt: '2026-07-10T17:00:00.000Z',
    });
  });

  it('uses the inventory item id for Shopify inventory levels and recognises app/uninstalled', () => {
    expect(
      toCanonicalEvent(event('shopify', 'inventory_levels/update', { inventory_item_id: 42, available: 3 })),
    ).toMatchObject({
      kind: 'inventory.changed',
      externalId: '42',
    });
    expect(toCanonicalEvent(event('shopify', 'app/uninstalled', { id: 1 })).kind).toBe('app.uninstalled');
  });

  it('passes other providers through as kind other', () => {
    expect(toCanonicalEvent(event('sandbox-events', 'invoice.paid', { type: 'invoice.paid' }))).toMatchObject({
      kind: 'other',
      data: { type: 'invoice.paid' },
    });
  });

  it('throws a CanonicalMappingError (poison) for events that cannot be mapped', () => {
    expect(() => toCanonicalEvent(event('square', 'order.updated', { type: 'order.updated', data: {} }))).toThrow(
      CanonicalMappingError,
    );
    expect(() => toCanonicalEvent(event('shopify', 'orders/create', { name: '#1001' }))).toThrow(CanonicalMappingError);
    expect(() =>
      toCanonicalEvent(event('shopify', 'orders/create', Buffer.from([0xff, 0xfe]).toString('latin1'))),
    ).toThrow(CanonicalMappingError);
    expect(() => toCanonicalEvent(event('shopify', 'orders/create', '[1,2]'))).toThrow(CanonicalMappingError);
  });

  it('treats __proto__ keys as plain data', () => {
    const payload = toCanonicalEvent(event('shopify', 'products/update', '{"id":5,"__proto__":{"polluted":true}}'));
    expect(payload.kind).toBe('product.changed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
