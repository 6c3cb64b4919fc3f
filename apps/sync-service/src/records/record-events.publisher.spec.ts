import { recordChangedEnvelope, type Envelope, type RecordChangedPayload } from '@shelflink/contracts';
import { changedEnvelope } from './record-events.publisher.js';

describe('changedEnvelope', () => {
  const source = { tenantId: 'acme "east"', connectionId: 'conn-1', provider: 'square' };
  const occurredAt = '2026-01-04T00:00:00.000Z';

  it.each([
    { externalId: 'ORD-1', deleted: false },
    { externalId: 'quote " backslash \\ brace } é 🎉', deleted: true },
  ])('is the envelope JSON.stringify would write (externalId $externalId)', ({ externalId, deleted }) => {
    const record = { id: '6f1c3c0e-6a4e-4c57-9f43-0f6a8f2f3b11', externalId, sourceVersion: '1767225600000', deleted };
    const expected: Envelope<RecordChangedPayload> = {
      id: `${record.id}:${record.sourceVersion}`,
      subject: 'records.order.changed.v1',
      occurredAt,
      payload: {
        tenantId: source.tenantId,
        connectionId: source.connectionId,
        provider: source.provider,
        entity: 'orders',
        recordId: record.id,
        externalId,
        sourceVersion: record.sourceVersion,
        deleted,
      },
    };

    const body = changedEnvelope('records.order.changed.v1', 'orders', source, occurredAt)(record);

    expect(body).toBe(JSON.stringify(expected));
    expect(recordChangedEnvelope.parse(JSON.parse(body))).toEqual(expected);
  });
});
