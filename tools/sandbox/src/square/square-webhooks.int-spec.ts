import { createHmac } from 'node:crypto';
import { startSandbox, mintSquareToken, type RunningSandbox } from '../sandbox.js';
import { admin, call, postJson, startReceiver } from '../sandbox.test-kit.js';

const APP = {
  provider: 'square' as const,
  clientId: 'sq-app',
  clientSecret: 'sq-secret',
  redirectUris: ['https://app.example.com/square/cb'],
  personalAccessToken: 'EAAA-personal-token',
  webhookSubscriptions: [
    { url: 'https://hub.example.com/webhooks/square', events: ['order.updated'], signatureKey: 'configured-key' },
  ],
};

interface Subscription {
  id: string;
  name: string;
  enabled: boolean;
  event_types: string[];
  notification_url: string;
  api_version: string;
  signature_key?: string;
}

describe('Square Webhook Subscriptions API', () => {
  let sandbox: RunningSandbox;
  let api: string;
  const pat = { authorization: `Bearer ${APP.personalAccessToken}` };
  const put = (url: string, body: unknown) =>
    call<{ subscription: Subscription }>(url, {
      method: 'PUT',
      headers: { ...pat, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ config: { apps: [APP] } });
    api = `${sandbox.url}/square/v2/webhooks`;
  });
  afterAll(async () => sandbox.close());

  it('lists the app subscription from the configuration, without its key; retrieve shows the key', async () => {
    const listed = await call<{ subscriptions: Subscription[] }>(`${api}/subscriptions`, { headers: pat });
    expect(listed.status).toBe(200);
    expect(listed.body.subscriptions).toHaveLength(1);
    const [first] = listed.body.subscriptions;
    expect(first).toMatchObject({
      enabled: true,
      event_types: ['order.updated'],
      notification_url: 'https://hub.example.com/webhooks/square',
    });
    expect(first?.signature_key).toBeUndefined();
    const one = await call<{ subscription: Subscription }>(`${api}/subscriptions/${first?.id}`, { headers: pat });
    expect(one.body.subscription.signature_key).toBe('configured-key');
  });

  it('refuses a seller OAuth token and no token with 401 UNAUTHORIZED', async () => {
    const oauth = await mintSquareToken(sandbox.url, APP, 'MERCHANT1', 'ORDERS_READ');
    const withOauth = await call(`${api}/subscriptions`, { headers: { authorization: `Bearer ${oauth}` } });
    expect(withOauth.status).toBe(401);
    expect(withOauth.text).toContain('UNAUTHORIZED');
    expect((await call(`${api}/subscriptions`)).status).toBe(401);
  });

  it('creates (idempotently), updates, rotates the key of and deletes a subscription', async () => {
    const body = {
      idempotency_key: 'create-1',
      subscription: {
        name: 'shelflink',
        event_types: ['order.created', 'inventory.count.updated'],
        notification_url: 'https://hub.example.com/webhooks/square?x=1',
        api_version: '2026-05-20',
      },
    };
    const created = await postJson<{ subscription: Subscription }>(`${api}/subscriptions`, body, pat);
    expect(created.status).toBe(200);
    const sub = created.body.subscription;
    expect(sub).toMatchObject({ name: 'shelflink', enabled: true, api_version: '2026-05-20' });
    expect(sub.id).toMatch(/^wbhk_/);
    expect(sub.signature_key).toMatch(/^[\w-]{16,}$/);
    const again = await postJson<{ subscription: Subscription }>(`${api}/subscriptions`, body, pat);
    expect(again.body.subscription.id).toBe(sub.id);

    const updated = await put(`${api}/subscriptions/${sub.id}`, {
      subscription: { enabled: false, event_types: ['order.updated'] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.subscription).toMatchObject({ enabled: false, event_types: ['order.updated'] });
    const enabledOnly = await call<{ subscriptions: Subscription[] }>(`${api}/subscriptions`, { headers: pat });
    expect(enabledOnly.body.subscriptions.map((s) => s.id)).not.toContain(sub.id);
    const all = await call<{ subscriptions: Subscription[] }>(`${api}/subscriptions?include_disabled=true`, {
      headers: pat,
    });
    expect(all.body.subscriptions.map((s) => s.id)).toContain(sub.id);

    const rotated = await postJson<{ signature_key: string }>(
      `${api}/subscriptions/${sub.id}/signature-key`,
      { idempotency_key: 'k' },
      pat,
    );
    expect(rotated.body.signature_key).not.toBe(sub.signature_key);
    const reread = await call<{ subscription: Subscription }>(`${api}/subscriptions/${sub.id}`, { headers: pat });
    expect(reread.body.subscription.signature_key).toBe(rotated.body.signature_key);

    const deleted = await call(`${api}/subscriptions/${sub.id}`, { method: 'DELETE', headers: pat });
    expect(deleted.status).toBe(200);
    expect((await call(`${api}/subscriptions/${sub.id}`, { headers: pat })).status).toBe(404);
  });

  it('refuses unknown event types and a missing notification URL with 400 INVALID_VALUE', async () => {
    const bad = await postJson(
      `${api}/subscriptions`,
      { subscription: { event_types: ['order.exploded'], notification_url: 'https://x.example.com/' } },
      pat,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ code: 'INVALID_VALUE', field: 'subscription.event_types' }] });
    const noUrl = await postJson(`${api}/subscriptions`, { subscription: { event_types: ['order.updated'] } }, pat);
    expect(noUrl.status).toBe(400);
  });

  it('pages with limit and cursor, and lists the event types', async () => {
    for (let i = 0; i < 3; i++)
      await postJson(
        `${api}/subscriptions`,
        { subscription: { event_types: ['order.updated'], notification_url: `https://h${i}.example.com/` } },
        pat,
      );
    const first = await call<{ subscriptions: Subscription[]; cursor: string }>(`${api}/subscriptions?limit=2`, {
      headers: pat,
    });
    expect(first.body.subscriptions).toHaveLength(2);
    const second = await call<{ subscriptions: Subscription[]; cursor?: string }>(
      `${api}/subscriptions?limit=2&cursor=${first.body.cursor}`,
      { headers: pat },
    );
    expect(second.body.subscriptions).toHaveLength(2);
    expect(second.body.cursor).toBeUndefined();
    const types = await call<{ event_types: string[] }>(`${api}/event-types`, { headers: pat });
    expect(types.body.event_types).toEqual(expect.arrayContaining(['order.updated', 'oauth.authorization.revoked']));
    const ledger = sandbox.ledger({ endpoint: 'square.webhooks.list' });
    expect(ledger.some((e) => e.authKind === 'personal-token' && e.status === 200)).toBe(true);
    expect(JSON.stringify(ledger)).not.toContain(APP.personalAccessToken);
  });

  it('sends a test notification to a subscription and reports the status its endpoint answered', async () => {
    const receiver = await startReceiver([204]);
    try {
      const made = await postJson<{ subscription: Subscription }>(
        `${api}/subscriptions`,
        { subscription: { event_types: ['order.updated'], notification_url: receiver.url } },
        pat,
      );
      const tested = await postJson<{ subscription_test_result: { status_code: number; payload: string } }>(
        `${api}/subscriptions/${made.body.subscription.id}/test`,
        { event_type: 'order.updated' },
        pat,
      );
      expect(tested.body.subscription_test_result.status_code).toBe(204);
      expect(receiver.got).toHaveLength(1);
      const expected = createHmac('sha256', made.body.subscription.signature_key ?? '')
        .update(receiver.url + (receiver.got[0]?.body ?? ''))
        .digest('base64');
      expect(receiver.got[0]?.headers['x-square-hmacsha256-signature']).toBe(expected);
      await call(`${api}/subscriptions/${made.body.subscription.id}`, { method: 'DELETE', headers: pat });
    } finally {
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  });

  it('refuses an app configuration naming an event Square does not have', async () => {
    const refused = await admin(sandbox.url, '/apps', {
      ...APP,
      webhookSubscriptions: [{ url: 'https://x.example.com/', events: ['order.exploded'] }],
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('order.exploded');
  });

  it('re-registering the app replaces the configured subscriptions and keeps API-made ones', async () => {
    await admin(sandbox.url, '/apps', { ...APP, webhookSubscriptions: [] });
    const listed = await call<{ subscriptions: Subscription[] }>(`${api}/subscriptions`, { headers: pat });
    expect(listed.body.subscriptions.map((s) => s.notification_url)).not.toContain(
      'https://hub.example.com/webhooks/square',
    );
    expect(listed.body.subscriptions.length).toBe(3);
  });
});
