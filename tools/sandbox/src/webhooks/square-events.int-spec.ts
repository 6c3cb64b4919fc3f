import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { mintSquareToken, startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, call, postJson, startReceiver, waitFor, type Received } from '../sandbox.test-kit.js';

const SCOPES = 'ORDERS_READ ORDERS_WRITE INVENTORY_READ INVENTORY_WRITE ITEMS_READ ITEMS_WRITE';

/** Square's documented check, written here independently: base64 HMAC-SHA256(key, notification URL + raw body). */
function squareSigned(r: Received, url: string, key: string): boolean {
  const expected = createHmac('sha256', key)
    .update(url + r.body)
    .digest();
  const given = Buffer.from(String(r.headers['x-square-hmacsha256-signature'] ?? ''), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Envelope {
  merchant_id: string;
  type: string;
  event_id: string;
  data: { type: string; id: string; object: Record<string, Record<string, unknown>> };
}
const envelope = (r: Received | undefined): Envelope => JSON.parse(r?.body ?? '{}') as Envelope;

describe('Square events are caused, and go to the app subscriptions of every merchant who authorized the app', () => {
  let sandbox: RunningSandbox;
  const servers: Server[] = [];
  let hub: Awaited<ReturnType<typeof startReceiver>>;
  let second: Awaited<ReturnType<typeof startReceiver>>;
  let secondKey: string;
  const tokens: Record<string, string> = {};
  const app = {
    provider: 'square' as const,
    clientId: 'sq-events',
    clientSecret: 'sq-events-secret',
    redirectUris: ['https://app.example.com/cb'],
    personalAccessToken: 'EAAA-events-pat',
  };
  const api = (merchant: string) => ({ authorization: `Bearer ${tokens[merchant]}` });
  const arrived = (type: string): Received | undefined => hub.got.find((r) => envelope(r).type === type);

  beforeAll(async () => {
    hub = await startReceiver([500, 200]);
    second = await startReceiver([200]);
    servers.push(hub.server, second.server);
    sandbox = await startSandbox({
      webhookBackoffScale: 0.0001,
      config: {
        apps: [
          {
            ...app,
            webhookSubscriptions: [
              {
                url: hub.url,
                events: ['order.created', 'order.updated', 'inventory.count.updated', 'oauth.authorization.revoked'],
                signatureKey: 'hub-key',
              },
              { url: `${hub.url}/disabled`, events: ['order.updated'], enabled: false },
            ],
          },
        ],
        accounts: ['MA', 'MB', 'MC'].map((account) => ({
          provider: 'square' as const,
          account,
          orders: 20,
          products: 5,
        })),
      },
    });
    tokens.MA = await mintSquareToken(sandbox.url, app, 'MA', SCOPES);
    tokens.MB = await mintSquareToken(sandbox.url, app, 'MB', 'ORDERS_READ');
    const made = await postJson<{ subscription: { signature_key: string } }>(
      `${sandbox.url}/square/v2/webhooks/subscriptions`,
      { subscription: { event_types: ['order.updated'], notification_url: second.url } },
      { authorization: `Bearer ${app.personalAccessToken}` },
    );
    secondKey = made.body.subscription.signature_key;
  });
  afterAll(async () => {
    await sandbox.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('UpdateOrder in one merchant reaches every matching enabled subscription, signed per subscription, retried on 500', async () => {
    const orderId = await firstOrderId('MA');
    const current = await call<{ order: { version: number } }>(`${sandbox.url}/square/v2/orders/${orderId}`, {
      headers: api('MA'),
    });
    const stale = await put(`/v2/orders/${orderId}`, 'MA', { order: { version: current.body.order.version + 5 } });
    expect(stale.status).toBe(400);
    const updated = await put(`/v2/orders/${orderId}`, 'MA', {
      order: { version: current.body.order.version, state: 'COMPLETED' },
      idempotency_key: 'u1',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ order: { id: orderId, version: current.body.order.version + 1 } });

    await waitFor(() => hub.got.length >= 2 && second.got.length >= 1, 'the order.updated deliveries');
    const [failed, retried] = hub.got;
    expect(envelope(failed).event_id).toBe(envelope(retried).event_id);
    expect(retried?.headers['square-retry-number']).toBe('1');
    for (const r of [failed, retried] as Received[]) expect(squareSigned(r, hub.url, 'hub-key')).toBe(true);
    expect(squareSigned(second.got[0] as Received, second.url, secondKey)).toBe(true);
    expect(envelope(second.got[0]).event_id).toBe(envelope(retried).event_id);
    const body = envelope(retried);
    expect(body).toMatchObject({
      merchant_id: 'MA',
      type: 'order.updated',
      data: { type: 'order', id: orderId, object: { order_updated: { order_id: orderId, state: 'COMPLETED' } } },
    });
    expect(hub.got.some((r) => r.path.endsWith('/disabled'))).toBe(false);

    // The receiver records a request before the sandbox sees its answer: wait for the ledger too.
    const attempts = () =>
      sandbox
        .ledger({ endpoint: 'square.webhook.delivery', account: 'MA' })
        .filter((e) => e.delivery?.url === hub.url)
        .map((e) => [e.delivery?.attempt, e.status]);
    await waitFor(() => attempts().length === 2, 'both attempts in the ledger');
    expect(attempts()).toEqual([
      [0, 500],
      [1, 200],
    ]);
  });

  it('CreateOrder in another merchant goes out with that merchant_id; a merchant who did not authorize gets nothing', async () => {
    const locations = await call<{ locations: { id: string }[] }>(`${sandbox.url}/square/v2/locations`, {
      headers: api('MB'),
    });
    const location = locations.body.locations[0]?.id;
    const { variation } = await firstVariation('MB');
    const order = { location_id: location, line_items: [{ catalog_object_id: variation, quantity: '3' }] };
    const created = await postJson<{ order: { id: string; state: string } }>(
      `${sandbox.url}/square/v2/orders`,
      { idempotency_key: 'c1', order },
      api('MB'),
    );
    expect(created.body.order.state).toBe('OPEN');
    const fetched = await call<{ order: { line_items: object[] } }>(
      `${sandbox.url}/square/v2/orders/${created.body.order.id}`,
      { headers: api('MB') },
    );
    expect(fetched.body.order.line_items).toEqual([
      expect.objectContaining({ catalog_object_id: variation, quantity: '3' }),
    ]);
    const adHoc = await postJson(
      `${sandbox.url}/square/v2/orders`,
      { order: { location_id: location, line_items: [{ name: 'Gift', quantity: '1' }] } },
      api('MB'),
    );
    expect(adHoc.status).toBe(400);
    const unauthorized = await admin(sandbox.url, '/data/mutate', { provider: 'square', account: 'MC', orders: 2 });
    expect(unauthorized.body).toMatchObject({ orders: 2, deliveries: 0 });
    await waitFor(() => arrived('order.created') !== undefined, 'the order.created delivery');
    expect(envelope(arrived('order.created'))).toMatchObject({
      merchant_id: 'MB',
      type: 'order.created',
      data: { object: { order_created: { order_id: created.body.order.id, location_id: location } } },
    });
    expect(sandbox.ledger({ endpoint: 'square.webhook.delivery', account: 'MC' })).toEqual([]);
  });

  it('inventory changes send inventory.count.updated only to merchants who granted INVENTORY_READ', async () => {
    const { variation, location } = await firstVariation('MA');
    const changed = await postJson<{ counts: { quantity: string }[] }>(
      `${sandbox.url}/square/v2/inventory/changes/batch-create`,
      {
        idempotency_key: 'i1',
        changes: [
          {
            type: 'PHYSICAL_COUNT',
            physical_count: { catalog_object_id: variation, location_id: location, quantity: '42', state: 'IN_STOCK' },
          },
        ],
      },
      api('MA'),
    );
    expect(changed.body.counts[0]?.quantity).toBe('42');
    await waitFor(() => arrived('inventory.count.updated') !== undefined, 'the count event');
    const event = envelope(arrived('inventory.count.updated'));
    expect(event.data.object.inventory_counts).toEqual([expect.objectContaining({ quantity: '42' })]);
    const counts = await postJson<{ counts: { quantity: string; location_id: string }[] }>(
      `${sandbox.url}/square/v2/inventory/counts/batch-retrieve`,
      { catalog_object_ids: [variation], location_ids: [location] },
      api('MA'),
    );
    expect(counts.body.counts[0]?.quantity).toBe('42');
    // MB granted ORDERS_READ only: an admin product change there sends no inventory event.
    const mixed = await admin(sandbox.url, '/data/mutate', {
      provider: 'square',
      account: 'MB',
      orders: 1,
      products: 1,
    });
    // order.updated to the hub and the API-made subscription; no catalog or inventory event without their scopes.
    expect(mixed.body).toMatchObject({ deliveries: 2 });
  });

  it('revoking the grant sends oauth.authorization.revoked, then nothing more for that merchant', async () => {
    const revoked = await postJson(
      `${sandbox.url}/square/oauth2/revoke`,
      { client_id: app.clientId, merchant_id: 'MA' },
      { authorization: `Client ${app.clientSecret}` },
    );
    expect(revoked.status).toBe(200);
    await waitFor(() => arrived('oauth.authorization.revoked') !== undefined, 'the revocation event');
    expect(envelope(arrived('oauth.authorization.revoked'))).toMatchObject({
      merchant_id: 'MA',
      type: 'oauth.authorization.revoked',
      data: { type: 'revocation', object: { revocation: { revoker_type: 'APPLICATION' } } },
    });
    const after = await admin(sandbox.url, '/data/mutate', { provider: 'square', account: 'MA', orders: 3 });
    expect(after.body).toMatchObject({ orders: 3, deliveries: 0 });
  });

  function put(path: string, merchant: string, body: unknown) {
    return call(`${sandbox.url}/square${path}`, {
      method: 'PUT',
      headers: { ...api(merchant), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function firstOrderId(merchant: string): Promise<string> {
    const page = await postJson<{ orders: { id: string }[] }>(
      `${sandbox.url}/square/v2/orders/search`,
      { limit: 1 },
      api(merchant),
    );
    return page.body.orders[0]?.id ?? '';
  }

  async function firstVariation(merchant: string): Promise<{ variation: string; location: string }> {
    const counts = await postJson<{ counts: { catalog_object_id: string; location_id: string }[] }>(
      `${sandbox.url}/square/v2/inventory/counts/batch-retrieve`,
      { limit: 1 },
      api(merchant),
    );
    const first = counts.body.counts[0];
    return { variation: first?.catalog_object_id ?? '', location: first?.location_id ?? '' };
  }
});
