import { BusError, webhookIngestContract } from '@shelflink/contracts';
import { startTestNats, type TestNats } from '@shelflink/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { isPayloadTooLarge, NatsClient } from './nats-client.js';

// A real nats-server: a request that breaks its contract fails as INVALID_REQUEST (a caller's 400), never leaves.
describe('NatsClient.request (int)', () => {
  let nats: TestNats;
  let client: NatsClient;
  let ingest: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    const env = nats.envFor('gateway');
    client = await NatsClient.connect('gateway', {
      url: env.NATS_URL ?? '',
      user: 'gateway',
      password: env.NATS_PASSWORD ?? '',
    });
    ingest = await nats.connectAs('webhook-ingest');
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    await ingest.close();
    await nats.dispose();
  });

  it('refuses a payload that breaks the contract as INVALID_REQUEST, and sends nothing', async () => {
    const received: string[] = [];
    ingest.subscribe(webhookIngestContract.subject, {
      callback: (_error, message) => {
        received.push(message.string());
      },
    });
    await ingest.flush();
    const tooManyValues = Array.from({ length: 9 }, (_, i) => `v${i}`);
    const request = client.request(webhookIngestContract, {
      provider: 'shopify',
      connectionId: 'conn_1',
      headers: { 'x-shopify-topic': tooManyValues },
      rawBody: '',
      publicUrl: 'https://example.com/webhooks/shopify/conn_1',
    });
    await expect(request).rejects.toBeInstanceOf(BusError);
    await expect(request).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await client.connection.flush();
    await ingest.flush();
    expect(received).toEqual([]);
  });

  it('refuses a request larger than the server carries (max_payload) as PAYLOAD_TOO_LARGE, not UNAVAILABLE', async () => {
    const maxPayload = client.connection.info?.max_payload ?? 0;
    expect(maxPayload).toBeGreaterThan(0);
    const error = await client
      .request(webhookIngestContract, {
        provider: 'shopify',
        connectionId: 'conn_1',
        headers: {},
        rawBody: 'A'.repeat(maxPayload + 1),
        publicUrl: 'https://example.com/webhooks/shopify/conn_1',
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(isPayloadTooLarge(error)).toBe(true);
  });
});
