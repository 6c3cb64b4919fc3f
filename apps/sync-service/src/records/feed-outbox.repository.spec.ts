import { recordFeedEnvelope } from '@shelflink/contracts';
import { feedMessage, type RecordHead } from './feed-outbox.repository.js';

describe('feedMessage', () => {
  const head = (deletedAt: string | null): RecordHead => ({
    id: '6f1c3c0e-6a4e-4c57-9f43-0f6a8f2f3b11',
    connectionId: 'conn-1',
    provider: 'square',
    externalId: 'ORD-1',
    sourceVersion: '7',
    sourceUpdatedAt: '2026-01-02T00:00:00.000Z',
    deletedAt,
    syncedAt: '2026-01-03T00:00:00.000Z',
  });
  const data = { state: 'OPEN', total: { currency: 'USD', amountMinor: '1999' }, note: 'quote " and \\ and }}}' };

  it.each([null, '2026-01-02T00:00:00.000Z'])(
    'is the envelope JSON.stringify would write, with the data text spliced in (deletedAt %s)',
    (deletedAt) => {
      const message = feedMessage(
        'a2b7c6d1-1111-4222-8333-944455556666',
        'acme',
        'orders',
        { head: head(deletedAt), dataJson: JSON.stringify(data) },
        '2026-01-04T00:00:00.000Z',
      );
      const expected = {
        id: 'a2b7c6d1-1111-4222-8333-944455556666',
        subject: 'records.feed.v1.acme.orders',
        occurredAt: '2026-01-04T00:00:00.000Z',
        payload: {
          tenantId: 'acme',
          connectionId: 'conn-1',
          provider: 'square',
          entity: 'orders',
          recordId: '6f1c3c0e-6a4e-4c57-9f43-0f6a8f2f3b11',
          externalId: 'ORD-1',
          sourceVersion: '7',
          deleted: deletedAt !== null,
          record: { ...head(deletedAt), data },
        },
      };
      expect(message.body).toBe(JSON.stringify(expected));
      expect(recordFeedEnvelope.parse(JSON.parse(message.body))).toEqual(expected);
      expect(message).toMatchObject({ id: expected.id, subject: expected.subject });
      // The connection rides in a header too: a redaction finds its messages without reading their bodies.
      expect(message.headers).toEqual({ 'Shelflink-Connection-Id': 'conn-1' });
    },
  );
});
