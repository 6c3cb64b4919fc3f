import { mintShopifyToken, startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, call, postJson, type JsonResponse } from '../sandbox.test-kit.js';

const APP = {
  provider: 'shopify' as const,
  clientId: 'shp-app',
  clientSecret: 'shpss_app',
  redirectUris: ['https://app.example.com/shopify/cb'],
  webhookSubscriptions: [{ url: 'https://hub.example.com/webhooks/shopify', events: ['shop/redact'] }],
};
const OTHER_APP = { ...APP, clientId: 'shp-other', clientSecret: 'shpss_other', webhookSubscriptions: [] };
const SHOP = 'hooks-store.myshopify.com';
const HOOK = 'https://hub.example.com/webhooks/shopify/conn-1';

interface RestWebhook {
  id: number;
  address: string;
  topic: string;
  api_version: string;
  format: string;
}
interface GqlNode {
  id: string;
  topic: string;
  uri: string;
  endpoint: { callbackUrl: string };
}

describe('Shopify webhook subscriptions through the Admin API', () => {
  let sandbox: RunningSandbox;
  let rest: string;
  let headers: Record<string, string>;
  let otherHeaders: Record<string, string>;

  const gql = <T>(query: string, variables: Record<string, unknown> = {}, h = headers): Promise<JsonResponse<T>> =>
    postJson<T>(`${rest}/graphql.json`, { query, variables }, h);

  beforeAll(async () => {
    sandbox = await startSandbox({
      config: { apps: [APP, OTHER_APP], accounts: [{ provider: 'shopify', account: SHOP, orders: 5, products: 5 }] },
    });
    rest = `${sandbox.url}/shopify/${SHOP}/admin/api/2026-07`;
    headers = { 'x-shopify-access-token': await mintShopifyToken(sandbox.url, APP, SHOP, 'read_orders') };
    otherHeaders = { 'x-shopify-access-token': await mintShopifyToken(sandbox.url, OTHER_APP, SHOP, 'read_orders') };
  });
  afterAll(async () => sandbox.close());

  it('REST: creates, lists, refuses a duplicate and a bad topic with 422, deletes', async () => {
    const created = await postJson<{ webhook: RestWebhook }>(
      `${rest}/webhooks.json`,
      { webhook: { topic: 'orders/create', address: HOOK, format: 'json' } },
      headers,
    );
    expect(created.status).toBe(201);
    expect(created.body.webhook).toMatchObject({ topic: 'orders/create', address: HOOK, api_version: '2026-07' });
    const duplicate = await postJson(
      `${rest}/webhooks.json`,
      { webhook: { topic: 'orders/create', address: HOOK } },
      headers,
    );
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toEqual({ errors: { address: ['for this topic has already been taken'] } });
    const badTopic = await postJson(
      `${rest}/webhooks.json`,
      { webhook: { topic: 'orders/explode', address: HOOK } },
      headers,
    );
    expect(badTopic.status).toBe(422);
    expect(JSON.stringify(badTopic.body)).toContain('Invalid topic specified: orders/explode');
    const compliance = await postJson(
      `${rest}/webhooks.json`,
      { webhook: { topic: 'shop/redact', address: HOOK } },
      headers,
    );
    expect(compliance.status).toBe(422);

    const listed = await call<{ webhooks: RestWebhook[] }>(`${rest}/webhooks.json`, { headers });
    expect(listed.body.webhooks.map((w) => w.topic)).toEqual(['orders/create']);
    const other = await call<{ webhooks: RestWebhook[] }>(`${rest}/webhooks.json`, { headers: otherHeaders });
    expect(other.body.webhooks).toEqual([]);
    const id = created.body.webhook.id;
    expect((await call(`${rest}/webhooks/${id}.json`, { headers: otherHeaders })).status).toBe(404);
    const deleted = await call(`${rest}/webhooks/${id}.json`, { method: 'DELETE', headers });
    expect(deleted.status).toBe(200);
    expect((await call(`${rest}/webhooks/${id}.json`, { headers })).status).toBe(404);
  });

  it('GraphQL: create with variables, list, userErrors on a duplicate, invalid topic, update, delete', async () => {
    const create = `mutation webhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
        webhookSubscription { id topic uri } userErrors { field message } } }`;
    type CreateAnswer = {
      data: { webhookSubscriptionCreate: { webhookSubscription: GqlNode | null; userErrors: { message: string }[] } };
    };
    const made = await gql<CreateAnswer>(create, {
      topic: 'PRODUCTS_UPDATE',
      webhookSubscription: { uri: HOOK, format: 'JSON' },
    });
    expect(made.status).toBe(200);
    const node = made.body.data.webhookSubscriptionCreate.webhookSubscription;
    expect(node).toMatchObject({ topic: 'PRODUCTS_UPDATE', uri: HOOK, endpoint: { callbackUrl: HOOK } });
    expect(node?.id).toMatch(/^gid:\/\/shopify\/WebhookSubscription\/\d+$/);

    const again = await gql<CreateAnswer>(create, {
      topic: 'PRODUCTS_UPDATE',
      webhookSubscription: { callbackUrl: HOOK },
    });
    expect(again.body.data.webhookSubscriptionCreate.webhookSubscription).toBeNull();
    expect(again.body.data.webhookSubscriptionCreate.userErrors[0]?.message).toBe(
      'Address for this topic has already been taken',
    );
    const invalid = await gql<{ errors?: unknown[] }>(create, { topic: 'NOPE', webhookSubscription: { uri: HOOK } });
    expect(invalid.body.errors).toHaveLength(1);

    const inline = await gql<CreateAnswer>(
      `mutation { webhookSubscriptionCreate(topic: APP_UNINSTALLED, webhookSubscription: {callbackUrl: "${HOOK}", format: JSON}) { webhookSubscription { id } userErrors { message } } }`,
    );
    expect(inline.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);

    type ListAnswer = { data: { webhookSubscriptions: { nodes: GqlNode[]; pageInfo: { hasNextPage: boolean } } } };
    const listed = await gql<ListAnswer>(`query { webhookSubscriptions(first: 50) { nodes { id topic uri } } }`);
    expect(listed.body.data.webhookSubscriptions.nodes.map((n) => n.topic).sort()).toEqual([
      'APP_UNINSTALLED',
      'PRODUCTS_UPDATE',
    ]);
    const filtered = await gql<ListAnswer>(
      `query($topics: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: 1, topics: $topics) { nodes { id } pageInfo { hasNextPage } } }`,
      { topics: ['PRODUCTS_UPDATE'] },
    );
    expect(filtered.body.data.webhookSubscriptions.nodes).toHaveLength(1);
    expect(filtered.body.data.webhookSubscriptions.pageInfo.hasNextPage).toBe(false);
    const byUri = await gql<ListAnswer>(
      `query($uri: String) { webhookSubscriptions(first: 250, uri: $uri) { nodes { id topic uri } } }`,
      { uri: HOOK },
    );
    expect(byUri.body.data.webhookSubscriptions.nodes.map((n) => n.uri)).toEqual([HOOK, HOOK]);
    const elsewhere = await gql<ListAnswer>(
      `query($uri: String) { webhookSubscriptions(first: 250, uri: $uri) { nodes { id } } }`,
      { uri: 'https://elsewhere.example.com/' },
    );
    expect(elsewhere.body.data.webhookSubscriptions.nodes).toEqual([]);
    const restView = await call<{ webhooks: RestWebhook[] }>(`${rest}/webhooks.json?topic=products/update`, {
      headers,
    });
    expect(restView.body.webhooks).toHaveLength(1);

    const updated = await gql<{ data: { webhookSubscriptionUpdate: { webhookSubscription: GqlNode } } }>(
      `mutation($id: ID!, $w: WebhookSubscriptionInput!) { webhookSubscriptionUpdate(id: $id, webhookSubscription: $w) { webhookSubscription { uri } userErrors { message } } }`,
      { id: node?.id, w: { uri: `${HOOK}/v2` } },
    );
    expect(updated.body.data.webhookSubscriptionUpdate.webhookSubscription.uri).toBe(`${HOOK}/v2`);

    type DeleteAnswer = { data: { webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string | null } } };
    const del = `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }`;
    const deleted = await gql<DeleteAnswer>(del, { id: node?.id });
    expect(deleted.body.data.webhookSubscriptionDelete.deletedWebhookSubscriptionId).toBe(node?.id);
    const twice = await gql<DeleteAnswer>(del, { id: node?.id });
    expect(twice.body.data.webhookSubscriptionDelete.deletedWebhookSubscriptionId).toBeNull();
  });

  it('app-level subscriptions come from the app configuration and are not listed per shop', async () => {
    const all = await admin<{ shopify: { shop: string | null; topic: string; clientId: string }[] }>(
      sandbox.url,
      '/webhooks/subscriptions',
      undefined,
      'GET',
    );
    expect(all.body.shopify).toEqual(
      expect.arrayContaining([expect.objectContaining({ shop: null, topic: 'shop/redact', clientId: 'shp-app' })]),
    );
    const listed = await call<{ webhooks: RestWebhook[] }>(`${rest}/webhooks.json?topic=shop/redact`, { headers });
    expect(listed.body.webhooks).toEqual([]);
  });

  it('refuses a missing or foreign token with 401', async () => {
    expect((await call(`${rest}/webhooks.json`)).status).toBe(401);
    const foreign = await mintShopifyToken(sandbox.url, APP, 'elsewhere.myshopify.com', 'read_orders');
    expect((await call(`${rest}/webhooks.json`, { headers: { 'x-shopify-access-token': foreign } })).status).toBe(401);
  });
});
