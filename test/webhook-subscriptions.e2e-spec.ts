import type { NatsConnection } from '@nats-io/transport-node';
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { completeOAuth, startAuthStack, type AuthStack } from './auth-harness.js';
import { operatorCli, type CliResult } from './operator-cli.js';
import { fastIngestEnv } from './webhook-harness.js';

interface Subscription {
  id: number;
  topic: string;
  address: string;
}

const topics = ['app/uninstalled', 'inventory_levels/update', 'orders/create', 'orders/updated', 'products/update'];

// Subscriptions Shelflink registers, across the real gateway, auth-service, Postgres, NATS and the sandbox's Admin
// APIs: Shopify per shop on connect, reconcile and disconnect; Square's app subscription through `webhooks ensure`.
describe('webhook subscriptions Shelflink registers (e2e)', () => {
  let stack: AuthStack;
  let sync: NatsConnection;
  let cli: (args: string[]) => Promise<CliResult>;
  let ingest: ServiceProcess;

  beforeAll(async () => {
    stack = await startAuthStack({
      prefix: 'e2e_webhook_subs',
      env: { AUTH_WEBHOOK_RECONCILE_TICK_MS: '200', AUTH_WEBHOOK_RECONCILE_INTERVAL_MS: '1500' },
      squareApp: {
        webhookSubscriptions: [{ url: 'https://old.example.com/hooks', events: ['payment.created'] }],
      },
    });
    sync = await stack.nats.connectAs('sync-service');
    cli = operatorCli(stack.nats);
    ingest = await startService('webhook-ingest', {
      ...stack.nats.envFor('webhook-ingest'),
      DATABASE_URL: stack.database.url,
      ...fastIngestEnv,
    });
  });

  afterAll(async () => {
    await ingest?.stop();
    await sync?.close();
    await stack?.close();
  });

  const connectShop = async (shop: string, alias: string): Promise<string> => {
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'shopify', alias, shop });
    // A refusal shows its answer here, not as an undefined URL further on.
    expect(session).toMatchObject({ status: 201, body: { authorizeUrl: expect.any(String) } });
    const done = await completeOAuth(stack, session.body.authorizeUrl);
    expect(done.body).toMatchObject({ result: 'connected', provider: 'shopify' });
    return done.body.connectionId;
  };

  /** The shop's subscriptions as the sandbox's Admin API lists them, with the connection's own token. */
  const adminApi = async (
    shop: string,
    connectionId: string,
    method = 'GET',
    path = '/webhooks.json',
    json?: unknown,
  ) => {
    const token = (
      await sync.request('auth.token.get.v1', JSON.stringify({ tenantId: stack.tenantId, connectionId }), {
        timeout: 10_000,
      })
    ).json<{ headers: Record<string, string> }>();
    const response = await fetch(`${stack.sandbox.url}/shopify/${shop}/admin/api/2026-07${path}`, {
      method,
      headers: { ...token.headers, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    // A DELETE answers {}; a faulted list has no webhooks.
    const body = (await response.json()) as { webhooks?: Subscription[] };
    return { status: response.status, body: { ...body, webhooks: body.webhooks ?? [] } };
  };
  /** Every subscription the sandbox holds for the shop, read on its admin side (no rate budget), for polling. */
  const held = async (shop: string) => {
    const all = (await (await fetch(`${stack.sandbox.url}/_admin/webhooks/subscriptions`)).json()) as {
      shopify: (Subscription & { shop: string | null })[];
    };
    return all.shopify.filter((subscription) => subscription.shop === shop);
  };
  const ours = (webhooks: Subscription[], connectionId: string) =>
    webhooks.filter((webhook) => webhook.address === `${stack.gateway.url}/webhooks/shopify/${connectionId}`);
  const topicsOf = (webhooks: Subscription[]) => webhooks.map((webhook) => webhook.topic).sort();
  const json = <T>(result: CliResult): T => {
    expect(result).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout) as T;
  };

  it('registers the configured topics when a shop connects, restores a deleted one, and removes them at disconnect', async () => {
    const shop = 'subs-shop.myshopify.com';
    const id = await connectShop(shop, 'subs');
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    const registered = ours((await adminApi(shop, id)).body.webhooks, id);
    expect(topicsOf(registered)).toEqual(topics);

    // The operator sees the same through the CLI; a sync changes nothing.
    const listed = json<{
      url: string;
      subscriptions: { topic: string; ours: boolean }[];
      registration: { state: string };
    }>(await cli(['webhooks', 'list', stack.tenantId, id]));
    expect(listed.url).toBe(`${stack.gateway.url}/webhooks/shopify/${id}`);
    expect(
      listed.subscriptions
        .filter((s) => s.ours)
        .map((s) => s.topic)
        .sort(),
    ).toEqual(topics);
    expect(listed.registration.state).toBe('synced');
    expect(
      json<{ created: string[]; deleted: string[] }>(await cli(['webhooks', 'sync', stack.tenantId, id])),
    ).toMatchObject({
      created: [],
      deleted: [],
    });

    // Deleted at the provider: the reconcile job puts it back.
    const orders = registered.find((webhook) => webhook.topic === 'orders/create');
    expect((await adminApi(shop, id, 'DELETE', `/webhooks/${orders?.id}.json`)).status).toBe(200);
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    const restored = ours((await adminApi(shop, id)).body.webhooks, id);
    expect(topicsOf(restored)).toEqual(topics);
    expect(restored.find((webhook) => webhook.topic === 'orders/create')?.id).not.toBe(orders?.id);

    // Disconnect removes them while the token still works (read back with a second connection to the same shop).
    const other = await connectShop(shop, 'subs-other');
    await eventually(async () => ours(await held(shop), other).length === topics.length);
    expect((await stack.admin('DELETE', `/api/v1/connections/${id}`)).status).toBe(200);
    const after = (await adminApi(shop, other)).body.webhooks;
    expect(ours(after, id)).toEqual([]);
    expect(topicsOf(ours(after, other))).toEqual(topics);
  });

  it("delivers an order created in the sandbox shop through the registered subscription, as that connection's", async () => {
    const shop = 'orders-shop.myshopify.com';
    const id = await connectShop(shop, 'orders');
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    const created = await adminApi(shop, id, 'POST', '/orders.json', { order: {} });
    expect(created.status).toBe(201);
    // The gid string, since the numeric id is past what JSON.parse keeps exactly.
    const orderId = (created.body as { order?: { admin_graphql_api_id?: string } }).order?.admin_graphql_api_id;
    expect(orderId).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    const stored = async () =>
      (
        await stack.sql.query<{ tenant_id: string; status: string; raw_body: Buffer }>(
          `SELECT tenant_id, status, raw_body FROM webhook.received_events
           WHERE connection_id = $1 AND event_type = 'orders/create'`,
          [id],
        )
      ).rows;
    await eventually(async () => (await stored()).some((row) => row.status === 'processed'));
    const [row] = await stored();
    expect(row?.tenant_id).toBe(stack.tenantId);
    expect(row?.raw_body.toString()).toContain(`"${orderId}"`);
  });

  it('registers again when an uninstalled shop reconnects', async () => {
    const shop = 'again-shop.myshopify.com';
    const id = await connectShop(shop, 'again');
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    const uninstall = await fetch(`${stack.sandbox.url}/_admin/shopify/uninstall`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shop, clientId: 'sandbox-shopify-client' }),
    });
    expect(uninstall.ok).toBe(true);
    // app/uninstalled arrives through our subscription; Shopify deletes the subscriptions.
    await eventually(
      async () => (await stack.admin('GET', `/api/v1/connections/${id}`)).body.status === 'needs_reauth',
    );
    expect(ours(await held(shop), id)).toEqual([]);

    expect(await connectShop(shop, 'again')).toBe(id);
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    expect(topicsOf(ours((await adminApi(shop, id)).body.webhooks, id))).toEqual(topics);
  });

  it('adopts a connection that has no registration row (connected before the table existed)', async () => {
    const shop = 'older-shop.myshopify.com';
    const id = await connectShop(shop, 'older');
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    await stack.sql.query(`DELETE FROM auth.webhook_registrations WHERE connection_id = $1`, [id]);
    const [first] = ours((await adminApi(shop, id)).body.webhooks, id);
    expect((await adminApi(shop, id, 'DELETE', `/webhooks/${first?.id}.json`)).status).toBe(200);
    const state = async () =>
      (await stack.sql.query(`SELECT state FROM auth.webhook_registrations WHERE connection_id = $1`, [id])).rows;
    // The adopted row's sync may have listed before the deletion; the row's next check restores it then.
    await eventually(
      async () =>
        JSON.stringify(await state()) === JSON.stringify([{ state: 'synced' }]) &&
        JSON.stringify(topicsOf(ours(await held(shop), id))) === JSON.stringify(topics),
    );
  });

  it('connects even when the Admin API fails, records the failure, and the reconcile job registers later', async () => {
    const shop = 'flaky-shop.myshopify.com';
    const fault = await fetch(`${stack.sandbox.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'shopify',
        account: shop,
        kind: 'status5xx',
        status: 503,
        count: 0,
        endpoint: 'shopify.graphql',
      }),
    });
    expect(fault.status).toBe(201);
    const id = await connectShop(shop, 'flaky');
    const registration = async () =>
      (
        await stack.sql.query<{ state: string; last_error: string | null; attempts: number }>(
          `SELECT state, last_error, attempts FROM auth.webhook_registrations WHERE connection_id = $1`,
          [id],
        )
      ).rows[0];
    // Shopify keeps failing: the failure is recorded and retried (attempts grow) until it stops.
    await eventually(async () => ((await registration())?.attempts ?? 0) >= 2);
    expect(await registration()).toMatchObject({ state: 'failed', last_error: 'HTTP_503' });
    expect((await fetch(`${stack.sandbox.url}/_admin/faults`, { method: 'DELETE' })).ok).toBe(true);
    await eventually(async () => ours(await held(shop), id).length === topics.length);
    expect(topicsOf(ours((await adminApi(shop, id)).body.webhooks, id))).toEqual(topics);
  });

  it('shows per provider the URL and topics providers deliver with', async () => {
    const status = json<{
      providers: {
        provider: string;
        registration: string;
        registeredByShelflink: boolean;
        url: string;
        topics: string[];
      }[];
    }>(await cli(['webhooks', 'status']));
    const byProvider = new Map(status.providers.map((entry) => [entry.provider, entry]));
    expect(byProvider.get('square')).toMatchObject({
      registration: 'app',
      registeredByShelflink: false,
      url: `${stack.gateway.url}/webhooks/square`,
    });
    expect(byProvider.get('shopify')).toMatchObject({
      registration: 'connection',
      registeredByShelflink: true,
      url: `${stack.gateway.url}/webhooks/shopify/{connectionId}`,
      topics: ['orders/create', 'orders/updated', 'products/update', 'inventory_levels/update', 'app/uninstalled'],
    });
    expect(byProvider.get('sandbox-events')).toMatchObject({ scheme: 'standard-webhooks', registration: 'connection' });
  });

  it("creates Square's app subscription, reports its key while it is not configured, and restores a changed one", async () => {
    const url = `${stack.gateway.url}/webhooks/square`;
    const created = json<Record<string, unknown>>(await cli(['webhooks', 'ensure', 'square']));
    expect(created).toMatchObject({
      action: 'created',
      url,
      eventTypes: [
        'order.created',
        'order.updated',
        'inventory.count.updated',
        'catalog.version.updated',
        'oauth.authorization.revoked',
      ],
      signatureKeyStatus: 'mismatch',
    });
    expect(created.signatureKey).toEqual(expect.any(String));
    // What the sandbox holds: one subscription at our URL (the old one elsewhere untouched), with that key.
    const { square } = (await (await fetch(`${stack.sandbox.url}/_admin/webhooks/subscriptions`)).json()) as {
      square: { id: string; notificationUrl: string; signatureKey: string }[];
    };
    expect(square.map((subscription) => subscription.notificationUrl).sort()).toEqual(
      [url, 'https://old.example.com/hooks'].sort(),
    );
    expect(square.find((subscription) => subscription.notificationUrl === url)?.signatureKey).toBe(
      created.signatureKey,
    );

    const again = json<Record<string, unknown>>(await cli(['webhooks', 'ensure', 'square']));
    expect(again).toMatchObject({
      action: 'unchanged',
      subscriptionId: created.subscriptionId,
      signatureKeyStatus: 'mismatch',
    });

    // Changed behind our back (another event list): ensure puts the configured one back.
    const changed = await fetch(
      `${stack.sandbox.url}/square/v2/webhooks/subscriptions/${String(created.subscriptionId)}`,
      {
        method: 'PUT',
        headers: { authorization: 'Bearer sandbox-square-personal-access-token', 'content-type': 'application/json' },
        body: JSON.stringify({ subscription: { event_types: ['payment.created'] } }),
      },
    );
    expect(changed.status).toBe(200);
    const updated = json<Record<string, unknown>>(await cli(['webhooks', 'ensure', 'square']));
    expect(updated).toMatchObject({ action: 'updated', subscriptionId: created.subscriptionId });
    const { square: after } = (await (await fetch(`${stack.sandbox.url}/_admin/webhooks/subscriptions`)).json()) as {
      square: { notificationUrl: string; eventTypes: string[] }[];
    };
    expect(after.find((subscription) => subscription.notificationUrl === url)?.eventTypes).toEqual(created.eventTypes);

    // Ours on the listing's second page (Square lists 100 at a time): found there, not created twice.
    const squareApi = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.sandbox.url}/square/v2/webhooks/subscriptions${path}`, {
        method,
        headers: {
          authorization: 'Bearer sandbox-square-personal-access-token',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await squareApi('DELETE', `/${String(created.subscriptionId)}`)).status).toBe(200);
    for (let i = 0; i < 120; i++) {
      const subscription = {
        name: `other ${i}`,
        event_types: ['payment.created'],
        notification_url: `https://o${i}.example.com/h`,
      };
      expect((await squareApi('POST', '', { idempotency_key: `other-${i}`, subscription })).status).toBe(200);
    }
    const recreated = json<Record<string, unknown>>(await cli(['webhooks', 'ensure', 'square']));
    expect(recreated).toMatchObject({ action: 'created' });
    const paged = json<Record<string, unknown>>(await cli(['webhooks', 'ensure', 'square']));
    expect(paged).toMatchObject({ action: 'unchanged', subscriptionId: recreated.subscriptionId });
    const { square: final } = (await (await fetch(`${stack.sandbox.url}/_admin/webhooks/subscriptions`)).json()) as {
      square: { notificationUrl: string }[];
    };
    expect(final.filter((subscription) => subscription.notificationUrl === url)).toHaveLength(1);

    const refused = await cli(['webhooks', 'ensure', 'shopify']);
    expect(refused.code).not.toBe(0);
  });
});
