import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { startAuthStack, type AuthStack } from './auth-harness.js';
import { operatorCli } from './operator-cli.js';
import {
  connectWithToken,
  createTenant,
  postShopify,
  postSquare,
  squareOrderUpdated,
  storedRows,
} from './routing-harness.js';
import { canonicalEventCounts, fastIngestEnv, post, sign } from './webhook-harness.js';
import { metricSample } from './metric-sample.js';

// App-level webhooks across real processes (gateway, auth-service, webhook-ingest, Postgres, nats-server): one Square
// subscription URL for every merchant, routed by merchant_id to the active connections in every tenant.
describe('app-level webhook routing (e2e)', () => {
  let stack: AuthStack;
  let ingest: ServiceProcess;
  let cli: ReturnType<typeof operatorCli>;
  let tenantB: { tenantId: string; apiKey: string };
  const connections: Record<string, string> = {};

  const gatewayUrl = () => new URL(stack.gateway.url).origin;
  const appUrl = (provider: string) => `${gatewayUrl()}/webhooks/${provider}`;
  const squareEvent = (merchantId: string, eventId = randomUUID()) =>
    squareOrderUpdated(merchantId, `ord_${eventId.slice(0, 8)}`, eventId);
  const rowsFor = (dedupKey: string) => storedRows(stack, dedupKey);
  /** A counter of webhook-ingest's /metrics for one provider (0 when it has no sample yet). */
  const ingestMetric = (name: string, provider: string) => metricSample(ingest.url, name, { provider });
  const connectSquare = async (name: string, merchantId: string, apiKey = stack.apiKey) => {
    const alias = `${name}-${merchantId}`.toLowerCase();
    connections[name] = await connectWithToken(stack, apiKey, {
      provider: 'square',
      alias,
      accessToken: `sq-${alias}`,
      metadata: { merchantId },
    });
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_webhook_routing' });
    ingest = await startService('webhook-ingest', {
      ...stack.nats.envFor('webhook-ingest'),
      DATABASE_URL: stack.database.url,
      ...fastIngestEnv,
    });
    cli = operatorCli(stack.nats);
    tenantB = await createTenant(stack);
    await connectSquare('A', 'MERCHANT_A');
    await connectSquare('B', 'MERCHANT_B', tenantB.apiKey);
    await connectSquare('sharedInA', 'MERCHANT_SHARED');
    await connectSquare('sharedInB', 'MERCHANT_SHARED', tenantB.apiKey);
    connections.shop = await connectWithToken(stack, tenantB.apiKey, {
      provider: 'shopify',
      alias: 'shop',
      accessToken: 'shpat_routing',
      metadata: { shop: 'routing-shop.myshopify.com' },
    });
  });

  afterAll(async () => {
    await ingest?.stop();
    await stack?.close();
  });

  it("stores merchant A's event for tenant A's connection only, and B's for B's, then processes them", async () => {
    const eventA = randomUUID();
    const eventB = randomUUID();
    const answerA = await postSquare(appUrl('square'), squareEvent('MERCHANT_A', eventA));
    const answerB = await postSquare(appUrl('square'), squareEvent('MERCHANT_B', eventB));
    expect([answerA.status, answerB.status]).toEqual([200, 200]);
    expect(answerA.body).toMatchObject({ status: 'accepted' });
    expect(await rowsFor(eventA)).toEqual([
      expect.objectContaining({ tenantId: stack.tenantId, connectionId: connections.A }),
    ]);
    expect(await rowsFor(eventB)).toEqual([
      expect.objectContaining({ tenantId: tenantB.tenantId, connectionId: connections.B }),
    ]);
    await eventually(async () =>
      [...(await rowsFor(eventA)), ...(await rowsFor(eventB))].every((row) => row.status === 'processed'),
    );
    const canonical = await canonicalEventCounts(stack.nats);
    const ids = [(answerA.body as { eventId: string }).eventId, (answerB.body as { eventId: string }).eventId];
    expect(ids.map((id) => canonical.get(id))).toEqual([1, 1]);
    const listedByB = await stack.admin('GET', '/api/v1/webhook-events', undefined, tenantB.apiKey);
    expect((listedByB.body as unknown as { items: { id: string }[] }).items.map((item) => item.id)).not.toContain(
      ids[0],
    );
  });

  it('delivers a merchant connected in two tenants once to each, and a retry to neither again', async () => {
    const eventId = randomUUID();
    const body = squareEvent('MERCHANT_SHARED', eventId);
    const first = await postSquare(appUrl('square'), body);
    const retry = await postSquare(appUrl('square'), body);
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(retry).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect((first.body as { eventIds: string[] }).eventIds).toHaveLength(2);
    const rows = await rowsFor(eventId);
    expect(rows.map((row) => row.connectionId).sort()).toEqual([connections.sharedInA, connections.sharedInB].sort());
    expect(new Set(rows.map((row) => row.tenantId))).toEqual(new Set([stack.tenantId, tenantB.tenantId]));
  });

  it('answers an unknown merchant 2xx, keeps it unroutable and lists it; a forged one is 401 and kept nowhere', async () => {
    const eventId = randomUUID();
    const answer = await postSquare(appUrl('square'), squareEvent('MERCHANT_UNKNOWN', eventId));
    expect(answer).toMatchObject({ status: 200, body: { status: 'unroutable' } });
    expect(await rowsFor(eventId)).toEqual([]);
    const listed = await cli(['events', 'list', '--unroutable']);
    expect(listed.code).toBe(0);
    const items = (JSON.parse(listed.stdout) as { items: { dedupKey: string; accountKey: string }[] }).items;
    expect(items).toContainEqual(expect.objectContaining({ dedupKey: eventId, accountKey: 'MERCHANT_UNKNOWN' }));
    const forgedBody = squareEvent('MERCHANT_UNKNOWN');
    const forged = await post(appUrl('square'), forgedBody, sign.square('not-the-key', appUrl('square'), forgedBody));
    expect(forged).toMatchObject({ status: 401, code: 'BAD_SIGNATURE' });
    expect(await ingestMetric('shelflink_webhook_unroutable_total', 'square')).toBe(1);
  });

  it('does not replay an unroutable event when the merchant connects, but an operator can replay it once', async () => {
    const eventId = randomUUID();
    await postSquare(appUrl('square'), squareEvent('MERCHANT_LATE', eventId));
    await connectSquare('late', 'MERCHANT_LATE');
    // The connection is routable at once (its change event dropped the cached "no route")...
    const after = randomUUID();
    await eventually(async () => {
      const answer = await postSquare(appUrl('square'), squareEvent('MERCHANT_LATE', after));
      return (answer.body as { status: string }).status === 'accepted';
    }, 5_000); // well under WEBHOOK_ROUTE_CACHE_TTL_MS (60 s): the change event, not the TTL, dropped the entry
    expect(await rowsFor(after)).toEqual([expect.objectContaining({ connectionId: connections.late })]);
    // ...and the event kept before it stays unroutable until an operator names the connection.
    expect(await rowsFor(eventId)).toEqual([]);
    const listed = await cli(['events', 'list', '--unroutable']);
    const kept = (JSON.parse(listed.stdout) as { items: { id: string; dedupKey: string }[] }).items.find(
      (item) => item.dedupKey === eventId,
    );
    const wrongAccount = await cli(['unroutable', 'replay', kept!.id, stack.tenantId, connections.A!]);
    expect(wrongAccount.code).not.toBe(0);
    const replayed = await cli(['unroutable', 'replay', kept!.id, stack.tenantId, connections.late!]);
    expect(replayed.code).toBe(0);
    expect(await rowsFor(eventId)).toEqual([
      expect.objectContaining({ tenantId: stack.tenantId, connectionId: connections.late }),
    ]);
  });

  it('refuses, stores nothing for, and counts a per-connection delivery naming another merchant or shop', async () => {
    const eventId = randomUUID();
    const url = `${gatewayUrl()}/webhooks/square/${connections.A}`;
    const misdirected = await postSquare(url, squareEvent('MERCHANT_B', eventId));
    expect(misdirected).toMatchObject({ status: 403, code: 'ACCOUNT_MISMATCH' });
    expect(await rowsFor(eventId)).toEqual([]);
    const shopBody = JSON.stringify({ id: 1 });
    const webhookId = randomUUID();
    const shopUrl = `${gatewayUrl()}/webhooks/shopify/${connections.shop}`;
    const otherShop = await postShopify(shopUrl, 'someone-else.myshopify.com', 'orders/updated', shopBody, webhookId);
    expect(otherShop).toMatchObject({ status: 403, code: 'ACCOUNT_MISMATCH' });
    expect(await rowsFor(webhookId)).toEqual([]);
    const ownEvent = randomUUID();
    expect((await postSquare(url, squareEvent('MERCHANT_A', ownEvent))).status).toBe(200);
    expect(await ingestMetric('shelflink_webhook_account_mismatch_total', 'square')).toBe(1);
    expect(await ingestMetric('shelflink_webhook_account_mismatch_total', 'shopify')).toBe(1);
  });

  it('routes a Shopify app-level delivery by X-Shopify-Shop-Domain and refuses one that names no shop', async () => {
    const body = JSON.stringify({ id: 2 });
    const webhookId = randomUUID();
    const routed = await postShopify(
      appUrl('shopify'),
      'routing-shop.myshopify.com',
      'orders/updated',
      body,
      webhookId,
    );
    expect(routed).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(await rowsFor(webhookId)).toEqual([
      expect.objectContaining({ tenantId: tenantB.tenantId, connectionId: connections.shop }),
    ]);
    const noShop = await post(appUrl('shopify'), body, sign.shopify('sandbox-shopify-secret', body));
    expect(noShop).toMatchObject({ status: 400, code: 'MISSING_ACCOUNT_KEY' });
    const noRoute = await post(
      appUrl('sandbox-events'),
      body,
      sign.standard('whsec_c2FuZGJveC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ=', body),
    );
    expect(noRoute).toMatchObject({ status: 404, code: 'NO_APP_ROUTE' });
  });
  it('sends a Shopify compliance request to a shop whose connection is no longer active, but no other event', async () => {
    const shop = 'routing-shop.myshopify.com';
    const uninstalled = await postShopify(appUrl('shopify'), shop, 'app/uninstalled', JSON.stringify({ id: 3 }));
    expect(uninstalled).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const status = async () =>
      (await stack.admin('GET', `/api/v1/connections/${connections.shop}`, undefined, tenantB.apiKey)).body.status;
    await eventually(async () => (await status()) === 'needs_reauth');
    // The connection change dropped the cached route: an order event now finds no active connection...
    await eventually(async () => {
      const order = await postShopify(appUrl('shopify'), shop, 'orders/updated', JSON.stringify({ id: 4 }));
      return (order.body as { status: string }).status === 'unroutable';
    }, 5_000);
    // ...while the customer's data request still reaches the connection that holds the shop's data.
    const webhookId = randomUUID();
    const request = JSON.stringify({ shop_domain: shop, customer: { id: 7 }, data_request: { id: 9 } });
    const answer = await postShopify(appUrl('shopify'), shop, 'customers/data_request', request, webhookId);
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    await eventually(async () => (await rowsFor(webhookId))[0]?.status === 'processed');
    const { rows } = await stack.sql.query<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'compliance.data_requested'`,
      [connections.shop],
    );
    expect(rows.map((row) => row.detail)).toEqual([expect.objectContaining({ customerId: '7', dataRequestId: '9' })]);
  });
});
