import { BusError, webhookIngestContract } from '@shelflink/contracts';
import { startTestNats, type TestNats } from '@shelflink/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { isPayloadTooLarge, NatsClient } from './nats-client.js';
import { answerRequests } from './raw-responder.js';

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
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', reason: 'PAYLOAD_TOO_LARGE' });
    expect(isPayloadTooLarge(error)).toBe(true);
  });

  const delivery = {
    provider: 'shopify',
    connectionId: 'conn_1',
    headers: {},
    rawBody: '',
    publicUrl: 'https://example.com/webhooks/shopify/conn_1',
  };

  it("carries a refusal's reason across the bus as a field, and an unexpected failure as INTERNAL with its errorId", async () => {
    let failure: Error = new BusError('INVALID_REQUEST', 'The body is not JSON', 'MALFORMED_BODY');
    const responder = answerRequests(ingest, webhookIngestContract, 'webhook-ingest', () => Promise.reject(failure));
    try {
      await ingest.flush();
      const refused = await client.request(webhookIngestContract, delivery).catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(BusError);
      expect(refused).toMatchObject({
        code: 'INVALID_REQUEST',
        reason: 'MALFORMED_BODY',
        message: 'The body is not JSON',
      });

      failure = new Error('token sk_live_secret in a message');
      const broken = await client.request(webhookIngestContract, delivery).catch((caught: unknown) => caught);
      expect(broken).toMatchObject({ code: 'INTERNAL', reason: undefined });
      expect((broken as Error).message).toMatch(/^Internal error \(errorId [0-9a-f-]{36}\)$/);
    } finally {
      responder.unsubscribe();
    }
  });

  it('reads a reason it does not know as none, not as a malformed reply (a newer service may send one)', async () => {
    const responder = ingest.subscribe(webhookIngestContract.subject, {
      callback: (_error, message) => {
        message.respond(JSON.stringify({ error: { code: 'CONFLICT', message: 'Taken', reason: 'FROM_THE_FUTURE' } }));
      },
    });
    try {
      await ingest.flush();
      const error = await client.request(webhookIngestContract, delivery).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'CONFLICT', message: 'Taken', reason: undefined });
    } finally {
      responder.unsubscribe();
    }
  });
});
