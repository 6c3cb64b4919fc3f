import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, call, startReceiver, type Received } from '../sandbox.test-kit.js';

const receiver = startReceiver;

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
const header = (r: Received | undefined, name: string): string => String(r?.headers[name] ?? '');
const fast = { max: 4, timeoutMs: 2000, backoffMs: [5] };

describe('webhook emitter', () => {
  let sandbox: RunningSandbox;
  const servers: Server[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({});
  });
  afterAll(async () => {
    await sandbox.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function send(
    body: Record<string, unknown>,
    statuses: number[],
  ): Promise<{ got: Received[]; result: Record<string, unknown> }> {
    const r = await receiver(statuses);
    servers.push(r.server);
    const result = await admin(sandbox.url, '/webhooks/send', { targetUrl: r.url, retries: fast, sync: true, ...body });
    expect(result.status).toBe(200);
    return { got: r.got, result: result.body };
  }

  it('Square: signs notification URL + body, retries on 500 with the same event id, stops on 2xx', async () => {
    const notificationUrl = 'https://hooks.example.com/square?tenant=1';
    const { got, result } = await send(
      {
        provider: 'square',
        type: 'order.updated',
        secret: 'sq-key',
        notificationUrl,
        account: 'MLX',
        payload: { order_updated: { order_id: 'O1', version: 2 } },
      },
      [500, 500, 200],
    );
    expect(result).toMatchObject({ state: 'delivered', status: 200 });
    expect(got).toHaveLength(3);
    const ids = got.map((g) => (JSON.parse(g.body) as { event_id: string }).event_id);
    expect(new Set(ids).size).toBe(1);
    expect(got.map((g) => header(g, 'square-retry-number'))).toEqual(['0', '1', '2']);
    expect(new Set(got.map((g) => header(g, 'square-initial-delivery-timestamp'))).size).toBe(1);
    for (const g of got) {
      const expected = createHmac('sha256', 'sq-key')
        .update(notificationUrl + g.body)
        .digest('base64');
      expect(equal(header(g, 'x-square-hmacsha256-signature'), expected)).toBe(true);
    }
    const body = JSON.parse(got[0]?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      merchant_id: 'MLX',
      type: 'order.updated',
      data: { type: 'order', object: { order_updated: { order_id: 'O1' } } },
    });
  });

  it('Shopify: base64 HMAC of the raw body and the X-Shopify-* headers, same webhook id on retry', async () => {
    const { got } = await send(
      { provider: 'shopify', topic: 'orders/create', secret: 'shpss', account: 'a.myshopify.com', payload: { id: 1 } },
      [503, 201],
    );
    expect(got).toHaveLength(2);
    for (const g of got) {
      expect(
        equal(header(g, 'x-shopify-hmac-sha256'), createHmac('sha256', 'shpss').update(g.body).digest('base64')),
      ).toBe(true);
      expect(header(g, 'x-shopify-topic')).toBe('orders/create');
      expect(header(g, 'x-shopify-shop-domain')).toBe('a.myshopify.com');
    }
    expect(header(got[0], 'x-shopify-webhook-id')).toBe(header(got[1], 'x-shopify-webhook-id'));
    expect(header(got[0], 'x-shopify-event-id')).not.toBe('');
  });

  it('Standard Webhooks: v1 signature over id.timestamp.body with the decoded whsec_ key', async () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const { got } = await send(
      { provider: 'standard-webhooks', type: 'sync.finished', secret: `whsec_${key.toString('base64')}` },
      [500, 204],
    );
    expect(got).toHaveLength(2);
    for (const g of got) {
      const id = header(g, 'webhook-id');
      const ts = header(g, 'webhook-timestamp');
      const expected = createHmac('sha256', key).update(`${id}.${ts}.${g.body}`).digest('base64');
      expect(equal(header(g, 'webhook-signature'), `v1,${expected}`)).toBe(true);
    }
    expect(header(got[0], 'webhook-id')).toBe(header(got[1], 'webhook-id'));
  });

  it('Jira: X-Hub-Signature sha256=<hex>; 4xx other than 408/409/425/429 is not retried', async () => {
    const { got, result } = await send(
      { provider: 'jira', type: 'jira:issue_updated', secret: 'jira-secret', payload: { issue: { id: '1' } } },
      [400],
    );
    expect(got).toHaveLength(1);
    expect(result).toMatchObject({ state: 'failed', status: 400 });
    expect(header(got[0], 'x-hub-signature')).toBe(
      `sha256=${createHmac('sha256', 'jira-secret')
        .update(got[0]?.body ?? '')
        .digest('hex')}`,
    );
    expect(header(got[0], 'x-atlassian-webhook-identifier')).not.toBe('');
  });

  it('async delivery gives an id whose attempts can be read; gives up after max retries', async () => {
    const r = await receiver([500]);
    servers.push(r.server);
    const started = await admin<{ deliveryId: string }>(sandbox.url, '/webhooks/send', {
      provider: 'shopify',
      topic: 'products/update',
      secret: 's',
      targetUrl: r.url,
      retries: { max: 2, timeoutMs: 1000, backoffMs: [1] },
    });
    expect(started.status).toBe(202);
    let delivery: { state: string; attempts: { status: number }[] } = { state: 'pending', attempts: [] };
    for (let i = 0; i < 200 && delivery.state === 'pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      delivery = (await call<typeof delivery>(`${sandbox.url}/_admin/webhooks/deliveries/${started.body.deliveryId}`))
        .body;
    }
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
  });
});
