import { randomUUID } from 'node:crypto';
import { post, sign, squareBody, startWebhookStack, type Answer, type WebhookStack } from './webhook-harness.js';

// T1: the signature matrix per scheme through the real gateway and webhook-ingest; only valid deliveries are accepted.
describe('webhook signature matrix (e2e)', () => {
  let stack: WebhookStack;
  const squareKey = 'square-signature-key';
  const squareOld = 'square-signature-key-old';
  const shopifySecret = 'shpss_current';
  const shopifyOld = 'shpss_previous';
  const whsec = `whsec_${Buffer.from('standard-webhooks-secret-32-bytes').toString('base64')}`;
  const whsecOld = `whsec_${Buffer.from('standard-webhooks-old-secret-32b').toString('base64')}`;
  const jiraSecret = 'jira-webhook-secret';
  const squareUrl = 'https://public.example.com/webhooks/square/conn_sq';
  const url = (provider: string, connectionId: string) => `${stack.gateway.url}/webhooks/${provider}/${connectionId}`;

  beforeAll(async () => {
    stack = await startWebhookStack();
    stack.secrets.set('conn_sq', {
      tenantId: 't1',
      provider: 'square',
      scheme: 'square-hmac',
      secrets: [squareKey, squareOld],
      notificationUrl: squareUrl,
    });
    stack.secrets.set('conn_sh', {
      tenantId: 't1',
      provider: 'shopify',
      scheme: 'shopify-hmac',
      secrets: [shopifySecret, shopifyOld],
    });
    stack.secrets.set('conn_sw', {
      tenantId: 't1',
      provider: 'sandbox-events',
      scheme: 'standard-webhooks',
      secrets: [whsec, whsecOld],
    });
    stack.secrets.set('conn_jira', {
      tenantId: 't1',
      provider: 'jira',
      scheme: 'jira-hub-signature',
      secrets: [jiraSecret],
    });
    stack.secrets.set('conn_nosecret', { tenantId: 't1', provider: 'shopify', scheme: 'shopify-hmac', secrets: [] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const accepted = (answer: Answer) => expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
  const refused = (answer: Answer, status: number, code: string) =>
    expect({ status: answer.status, code: answer.code }).toEqual({ status, code });

  describe('square-hmac', () => {
    const send = (body: string, headers: Record<string, string> | [string, string][]) =>
      post(url('square', 'conn_sq'), body, headers);
    const sig = (key: string, body: string, u = squareUrl) =>
      sign.square(key, u, body)['x-square-hmacsha256-signature'] ?? '';
    const h = (signature: string) => ({
      'content-type': 'application/json',
      'x-square-hmacsha256-signature': signature,
    });

    it('accepts the current and the previous key during a rotation', async () => {
      const a = squareBody();
      accepted(await send(a, h(sig(squareKey, a))));
      const b = squareBody();
      accepted(await send(b, h(sig(squareOld, b))));
    });

    it.each([
      [
        'one body byte changed',
        (b: string) => h(sig(squareKey, b)),
        (b: string) => b.replace('"M1"', '"M2"'),
        401,
        'BAD_SIGNATURE',
      ],
      ['a wrong key', (b: string) => h(sig('other-key', b)), (b: string) => b, 401, 'BAD_SIGNATURE'],
      [
        'a signature for a different URL (proxy path)',
        (b: string) => h(sig(squareKey, b, `${squareUrl}/`)),
        (b: string) => b,
        401,
        'BAD_SIGNATURE',
      ],
      [
        'no signature header',
        () => ({ 'content-type': 'application/json' }),
        (b: string) => b,
        401,
        'MISSING_SIGNATURE',
      ],
      ['an empty signature', () => h(''), (b: string) => b, 401, 'MISSING_SIGNATURE'],
      [
        'a truncated signature',
        (b: string) => h(sig(squareKey, b).slice(0, 20)),
        (b: string) => b,
        401,
        'MALFORMED_SIGNATURE',
      ],
      [
        'an over-long signature',
        (b: string) => h(`${sig(squareKey, b)}AAAA`),
        (b: string) => b,
        401,
        'MALFORMED_SIGNATURE',
      ],
      [
        // Longer than a forwarded header may be in webhook.ingest.v1 until it matched the gateway's own header limit.
        'a signature of 12,000 characters',
        () => h('A'.repeat(12_000)),
        (b: string) => b,
        401,
        'MALFORMED_SIGNATURE',
      ],
      [
        'a multibyte signature',
        () => h(Buffer.from('é'.repeat(43) + '=', 'utf8').toString('latin1')),
        (b: string) => b,
        401,
        'MALFORMED_SIGNATURE',
      ],
    ])('refuses %s', async (_name, headers, mutate, status, code) => {
      const body = squareBody();
      refused(await send(mutate(body), headers(body)), status, code);
    });

    it('refuses a duplicated signature header', async () => {
      const body = squareBody();
      const s = sig(squareKey, body);
      refused(
        await send(body, [
          ['content-type', 'application/json'],
          ['x-square-hmacsha256-signature', s],
          ['x-square-hmacsha256-signature', s],
        ]),
        401,
        'MALFORMED_SIGNATURE',
      );
    });
  });

  describe('shopify-hmac', () => {
    const body = () => JSON.stringify({ id: 820982911946154508, note: randomUUID() });
    const send = (b: string, headers: Record<string, string>) => post(url('shopify', 'conn_sh'), b, headers);

    it('accepts the current and the previous secret', async () => {
      const a = body();
      accepted(await send(a, sign.shopify(shopifySecret, a)));
      const b = body();
      accepted(await send(b, sign.shopify(shopifyOld, b)));
    });

    it('refuses a changed byte, a wrong secret, a missing id and a missing secret', async () => {
      const a = body();
      refused(await send(a.replace('"id":8', '"id":9'), sign.shopify(shopifySecret, a)), 401, 'BAD_SIGNATURE');
      refused(await send(a, sign.shopify('shpss_wrong', a)), 401, 'BAD_SIGNATURE');
      const { 'x-shopify-webhook-id': _id, ...noId } = sign.shopify(shopifySecret, a);
      refused(await send(a, noId), 400, 'MISSING_DEDUP_ID');
      refused(await post(url('shopify', 'conn_nosecret'), a, sign.shopify(shopifySecret, a)), 401, 'MISSING_SECRET');
    });

    it('verifies the unprefixed header names like the X- ones (shopify-hmac-sha256, …)', async () => {
      const unprefixed = (headers: Record<string, string>) =>
        Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [name.replace(/^x-shopify-/, 'shopify-'), value]),
        );
      const a = body();
      const headers = unprefixed(sign.shopify(shopifySecret, a));
      expect(Object.keys(headers)).toContain('shopify-hmac-sha256');
      const first = await send(a, headers);
      accepted(first);
      expect(await send(a, headers)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      refused(await send(a, unprefixed(sign.shopify('shpss_wrong', a))), 401, 'BAD_SIGNATURE');
    });
  });

  describe('standard-webhooks', () => {
    const body = () => JSON.stringify({ type: 'invoice.paid', data: { id: randomUUID() } });
    const send = (b: string, headers: Record<string, string>) => post(url('sandbox-events', 'conn_sw'), b, headers);
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts the current and the previous secret, and one valid signature among several', async () => {
      const a = body();
      accepted(await send(a, sign.standard(whsec, a)));
      const b = body();
      accepted(await send(b, sign.standard(whsecOld, b)));
      const c = body();
      const headers = sign.standard(whsec, c);
      headers['webhook-signature'] = `v1,${Buffer.alloc(32, 7).toString('base64')} ${headers['webhook-signature']}`;
      accepted(await send(c, headers));
    });

    it('accepts an id with dots (the id is opaque), deduplicated by it', async () => {
      const b = body();
      const headers = sign.standard(whsec, b, 'evt.123.1');
      accepted(await send(b, headers));
      expect(await send(b, headers)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    });

    it.each([
      ['a timestamp 6 minutes old', -360],
      ['a timestamp 6 minutes ahead', 360],
    ])('refuses %s', async (_name, offset) => {
      const b = body();
      refused(await send(b, sign.standard(whsec, b, undefined, now() + offset)), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it('refuses a wrong secret, a changed byte, and a malformed signature list', async () => {
      const b = body();
      refused(
        await send(b, sign.standard(`whsec_${Buffer.from('another-secret').toString('base64')}`, b)),
        401,
        'BAD_SIGNATURE',
      );
      refused(await send(`${b} `, sign.standard(whsec, b)), 401, 'BAD_SIGNATURE');
      refused(
        await send(b, { ...sign.standard(whsec, b), 'webhook-signature': 'v1a,zzz v2,abc' }),
        401,
        'MALFORMED_SIGNATURE',
      );
    });
  });

  describe('jira-hub-signature', () => {
    const body = () =>
      JSON.stringify({ timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue: { id: randomUUID() } });

    it('accepts a valid signature and refuses a wrong or odd-length one', async () => {
      const b = body();
      accepted(await post(url('jira', 'conn_jira'), b, sign.jira(jiraSecret, b)));
      refused(await post(url('jira', 'conn_jira'), b, sign.jira('wrong', b)), 401, 'BAD_SIGNATURE');
      refused(
        await post(url('jira', 'conn_jira'), b, {
          ...sign.jira(jiraSecret, b),
          'x-hub-signature': `sha256=${'a'.repeat(63)}`,
        }),
        401,
        'MALFORMED_SIGNATURE',
      );
    });
  });

  it('verifies with a rotated-in secret at once, although the old set was cached', async () => {
    const b = JSON.stringify({ id: 1, note: randomUUID() });
    accepted(await post(url('shopify', 'conn_sh'), b, sign.shopify(shopifySecret, b)));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    stack.secrets.set('conn_sh', {
      tenantId: 't1',
      provider: 'shopify',
      scheme: 'shopify-hmac',
      secrets: ['shpss_rotated', shopifySecret],
    });
    const c = JSON.stringify({ id: 2, note: randomUUID() });
    accepted(await post(url('shopify', 'conn_sh'), c, sign.shopify('shpss_rotated', c)));
  });

  it('kept both processes alive through every refusal', () => {
    expect(stack.ingest.child.exitCode).toBeNull();
    expect(stack.gateway.child.exitCode).toBeNull();
    expect(stack.ingest.output()).not.toContain('"level":50');
    // No secret ever reaches a log line.
    const output = stack.ingest.output() + stack.gateway.output();
    for (const secret of [squareKey, squareOld, shopifySecret, shopifyOld, whsec, whsecOld, jiraSecret])
      expect(output).not.toContain(secret);
  });
});
