import { webhookIngestBatchContract, webhookIngestContract } from '@shelflink/contracts';
import { eventually } from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import {
  canonicalEventCounts,
  post,
  sign,
  squareBody,
  startWebhookStack,
  type WebhookStack,
} from './webhook-harness.js';

// Gateway + webhook-ingest as processes, real Postgres and nats-server; auth-service's secrets subject is stood in for.
describe('webhook intake (e2e)', () => {
  let stack: WebhookStack;
  const squareKey = 'square-signature-key';
  const shopifySecret = 'shpss_secret';
  const whsec = `whsec_${Buffer.from('standard-webhooks-secret-32-bytes').toString('base64')}`;
  const url = (provider: string, connectionId: string) => `${stack.gateway.url}/webhooks/${provider}/${connectionId}`;
  const squareUrl = () => `https://public.example.com/webhooks/square/conn_sq`;

  beforeAll(async () => {
    stack = await startWebhookStack();
    stack.secrets.set('conn_sq', {
      tenantId: 'tenant-a',
      provider: 'square',
      scheme: 'square-hmac',
      secrets: [squareKey],
      notificationUrl: squareUrl(),
    });
    stack.secrets.set('conn_sh', {
      tenantId: 'tenant-a',
      provider: 'shopify',
      scheme: 'shopify-hmac',
      secrets: [shopifySecret],
    });
    stack.secrets.set('conn_sw', {
      tenantId: 'tenant-b',
      provider: 'sandbox-events',
      scheme: 'standard-webhooks',
      secrets: [whsec],
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stores a signed Square event before the 2xx and turns it into a canonical order.changed event', async () => {
    const eventId = randomUUID();
    const body = squareBody('order.updated', eventId, 'ord_1');
    const answer = await post(url('square', 'conn_sq'), body, sign.square(squareKey, squareUrl(), body));
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const stored = await stack.sql.query<{ tenant_id: string; raw_body: Buffer; status: string }>(
      `SELECT tenant_id, dedup_key, raw_body, status FROM webhook.received_events WHERE dedup_key = $1`,
      [eventId],
    );
    expect(stored.rows).toHaveLength(1);
    const [row] = stored.rows;
    expect(row?.tenant_id).toBe('tenant-a');
    expect(row?.raw_body.equals(Buffer.from(body))).toBe(true);
    const rowId = (answer.body as { eventId: string }).eventId;
    await eventually(async () => {
      const { rows } = await stack.sql.query<{ status: string }>(
        `SELECT status FROM webhook.received_events WHERE id = $1`,
        [rowId],
      );
      return rows[0]?.status === 'processed';
    });
    const counts = await canonicalEventCounts(stack.nats);
    expect(counts.get(rowId)).toBe(1);
  });

  it('answers a duplicate delivery 2xx without a second row', async () => {
    const webhookId = randomUUID();
    const body = JSON.stringify({ id: 820982911946154508, updated_at: '2026-07-10T12:00:00-05:00' });
    const first = await post(url('shopify', 'conn_sh'), body, sign.shopify(shopifySecret, body, { webhookId }));
    const second = await post(url('shopify', 'conn_sh'), body, sign.shopify(shopifySecret, body, { webhookId }));
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(second).toMatchObject({
      status: 200,
      body: { status: 'duplicate', eventId: (first.body as { eventId: string }).eventId },
    });
  });

  it('answers 404 for an unknown connection or provider', async () => {
    const body = squareBody();
    expect((await post(url('square', 'conn_nope'), body, sign.square(squareKey, squareUrl(), body))).status).toBe(404);
    expect((await post(url('shopify', 'conn_sq'), body, sign.square(squareKey, squareUrl(), body))).code).toBe(
      'UNKNOWN_CONNECTION',
    );
    expect((await post(url('Not_A_Provider', 'conn_sq'), body, {})).code).toBe('UNKNOWN_PROVIDER');
  });

  it('answers each delivery of a webhook.ingest.batch.v1 request on its own, in order, and still answers v1', async () => {
    const gatewayBus = await stack.nats.connectAs('gateway');
    try {
      const body = JSON.stringify({ id: 3 });
      const webhookId = randomUUID();
      const delivery = (headers: Record<string, string>, connectionId = 'conn_sh') => ({
        provider: 'shopify',
        connectionId,
        headers,
        rawBody: Buffer.from(body).toString('base64'),
        publicUrl: url('shopify', connectionId),
      });
      const reply = await gatewayBus.request(
        webhookIngestBatchContract.subject,
        JSON.stringify({
          deliveries: [
            delivery(sign.shopify(shopifySecret, body, { webhookId })),
            { provider: 'shopify', headers: 'not headers' },
            delivery(sign.shopify(shopifySecret, body), 'conn_nope'),
            delivery(sign.shopify('a-wrong-secret', body)),
          ],
        }),
        { timeout: 5_000 },
      );
      const { results } = reply.json<{ results: { result?: string; code?: string; error?: { code: string } }[] }>();
      expect(results).toEqual([
        expect.objectContaining({ result: 'stored', duplicate: false }),
        { error: expect.objectContaining({ code: 'INVALID_REQUEST' }) },
        expect.objectContaining({ result: 'rejected', status: 404, code: 'UNKNOWN_CONNECTION' }),
        expect.objectContaining({ result: 'rejected', status: 401, code: 'BAD_SIGNATURE' }),
      ]);
      const rows = await stack.sql.query('SELECT id FROM webhook.received_events WHERE dedup_key = $1', [webhookId]);
      expect(rows.rows).toEqual([{ id: (results[0] as { eventId?: string }).eventId }]);
      // A gateway from before the batch subject still gets its one delivery stored.
      const single = await gatewayBus.request(
        webhookIngestContract.subject,
        JSON.stringify(delivery(sign.shopify(shopifySecret, body))),
        { timeout: 5_000 },
      );
      expect(single.json()).toMatchObject({ result: 'stored', duplicate: false });
    } finally {
      await gatewayBus.close();
    }
  });

  it('documents the webhook route and the admin webhook-event routes in OpenAPI', async () => {
    const document = (await (await fetch(`${stack.gateway.url}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks/{provider}/{connectionId}',
        '/api/v1/webhook-events',
        '/api/v1/webhook-events/{id}/replay',
      ]),
    );
  });

  it('answers 503, never 2xx, while Postgres is unreachable, and stores again once it is back', async () => {
    stack.postgresProxy.cut();
    try {
      const body = squareBody();
      const answer = await post(url('square', 'conn_sq'), body, sign.square(squareKey, squareUrl(), body));
      expect({ status: answer.status, code: answer.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
    } finally {
      stack.postgresProxy.restore();
    }
    const body = squareBody();
    await eventually(
      async () =>
        (await post(url('square', 'conn_sq'), body, sign.square(squareKey, squareUrl(), body))).status === 200,
      15_000,
      250,
    );
    expect(stack.ingest.child.exitCode).toBeNull();
  });
});
