import { jest } from '@jest/globals';
import { BusError, maxDeliveriesPerBatch, type WebhookIngestBatchDelivery } from '@shelflink/contracts';
import { IngestBatcher } from './ingest-batcher.js';

describe('IngestBatcher', () => {
  const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));
  const delivery = (id: string): WebhookIngestBatchDelivery => ({
    provider: 'shopify',
    connectionId: id,
    headers: {},
    rawBody: '',
    publicUrl: 'https://example.com/',
  });
  const stored = (eventId: string) => ({ result: 'stored' as const, eventId, duplicate: false });

  it('sends what one turn submitted as one request, and settles each delivery with its own result', async () => {
    const sent: string[][] = [];
    const batcher = new IngestBatcher(
      async (deliveries) => {
        sent.push(deliveries.map((d) => d.connectionId ?? ''));
        return [stored('e1'), { error: { code: 'UNAVAILABLE', message: 'Cannot store the event right now' } }];
      },
      () => 1_000_000,
    );
    const first = batcher.submit(delivery('c1'), 10);
    const second = batcher.submit(delivery('c2'), 10);
    expect(sent).toEqual([]);
    await expect(first).resolves.toEqual(stored('e1'));
    await expect(second).rejects.toEqual(new BusError('UNAVAILABLE', 'Cannot store the event right now'));
    expect(sent).toEqual([['c1', 'c2']]);
  });

  it('fails every delivery of a request that failed, and sends the next turn anew', async () => {
    let fail = true;
    const batcher = new IngestBatcher(
      async (deliveries) => {
        if (fail) throw new BusError('TIMEOUT', 'The request timed out');
        return deliveries.map((d) => stored(d.connectionId ?? ''));
      },
      () => 1_000_000,
    );
    const failed = [batcher.submit(delivery('c1'), 1), batcher.submit(delivery('c2'), 1)];
    for (const result of failed) await expect(result).rejects.toMatchObject({ code: 'TIMEOUT' });
    fail = false;
    await expect(batcher.submit(delivery('c3'), 1)).resolves.toEqual(stored('c3'));
  });

  it('rejects a delivery the reply did not answer', async () => {
    const batcher = new IngestBatcher(
      async () => [stored('e1')],
      () => 1_000_000,
    );
    const results = [batcher.submit(delivery('c1'), 1), batcher.submit(delivery('c2'), 1)];
    await expect(results[0]).resolves.toEqual(stored('e1'));
    await expect(results[1]).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('keeps a batch within the byte budget and the delivery cap; a larger delivery goes alone', async () => {
    const sizes: number[] = [];
    const send = jest.fn(async (deliveries: WebhookIngestBatchDelivery[]) => {
      sizes.push(deliveries.length);
      return deliveries.map((d) => stored(d.connectionId ?? ''));
    });
    const batcher = new IngestBatcher(send, () => 100);
    const byBytes = [40, 40, 40, 500].map((bytes, i) => batcher.submit(delivery(`b${i}`), bytes));
    await Promise.all(byBytes);
    expect(sizes).toEqual([2, 1, 1]);
    sizes.length = 0;
    const byCount = Array.from({ length: maxDeliveriesPerBatch + 1 }, (_, i) => batcher.submit(delivery(`n${i}`), 0));
    await Promise.all(byCount);
    expect(sizes).toEqual([maxDeliveriesPerBatch, 1]);
    await endOfTurn();
    expect(send).toHaveBeenCalledTimes(5);
  });
});
