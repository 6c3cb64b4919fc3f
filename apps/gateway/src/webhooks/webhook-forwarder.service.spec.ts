import { BusError } from '@shelflink/contracts';
import type { NatsClient } from '@shelflink/messaging';
import type { GatewayConfig } from '../config/gateway.config.js';
import { WebhookForwarder } from './webhook-forwarder.service.js';

// How webhook-ingest's answer (or the bus's failure) becomes the provider's status: only "stored" is a 2xx, and only
// what can never succeed is final (4xx); everything else is a 503 the provider retries.
describe('WebhookForwarder', () => {
  const delivery = {
    provider: 'shopify',
    connectionId: 'conn_1',
    headers: {},
    rawBody: Buffer.from('{}'),
    publicUrl: 'https://example.com/webhooks/shopify/conn_1',
  };
  const forwarderFailingWith = (error: Error) =>
    new WebhookForwarder(
      {
        request: () => Promise.reject(error),
        connection: { info: { max_payload: 1_048_576 } },
      } as unknown as NatsClient,
      { GATEWAY_WEBHOOK_TIMEOUT_MS: 1_000 } as GatewayConfig,
    );

  it.each([
    [
      'a body too large for the bus',
      new BusError('INVALID_REQUEST', 'too large', 'PAYLOAD_TOO_LARGE'),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a delivery that breaks the contract', new BusError('INVALID_REQUEST', 'Invalid request'), 400, 'BAD_REQUEST'],
    ['no answer in time', new BusError('TIMEOUT', 'The request timed out'), 503, 'UNAVAILABLE'],
    ['an unexpected failure', new Error('socket closed'), 503, 'UNAVAILABLE'],
  ])('answers %s with the status and code a sender can act on', async (_name, error, status, code) => {
    await expect(forwarderFailingWith(error).forward(delivery)).rejects.toMatchObject({ status, code });
  });

  it('answers a refused delivery with the status the gateway maps its code to, not the status it came with', async () => {
    const refused = {
      result: 'rejected',
      status: 400,
      code: 'MALFORMED_SIGNATURE',
      message: 'The signature is malformed',
    };
    const forwarder = new WebhookForwarder(
      {
        request: () => Promise.resolve({ results: [refused] }),
        connection: { info: { max_payload: 1_048_576 } },
      } as unknown as NatsClient,
      { GATEWAY_WEBHOOK_TIMEOUT_MS: 1_000 } as GatewayConfig,
    );
    await expect(forwarder.forward(delivery)).rejects.toMatchObject({
      status: 401,
      code: 'MALFORMED_SIGNATURE',
      message: 'The signature is malformed',
    });
  });
});
