import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from './verify-webhook.js';
import type { WebhookHeaders, WebhookInput } from './webhook.types.js';

const now = new Date('2026-05-20T14:30:00.000Z');
const b64 = (key: string | Buffer, ...parts: (string | Buffer)[]): string => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest('base64');
};

function input(
  rawBody: string | Buffer,
  headers: WebhookHeaders,
  secrets: string[],
  extra: Partial<WebhookInput> = {},
): WebhookInput {
  return { rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody), headers, secrets, now, ...extra };
}

describe('square-hmac', () => {
  const url = 'https://example.com/webhooks/square/conn_1';
  const body = '{"event_id":"e1","type":"payment.created","created_at":"2026-05-20T14:25:28.105Z"}';
  const sig = (key: string, u = url, b = body): string => b64(key, u, b);
  const verify = (headers: WebhookHeaders, secrets = ['square-sig-key'], b = body, u: string | null = url) =>
    verifyWebhook('square-hmac', input(b, headers, secrets, u === null ? {} : { notificationUrl: u }));

  it('accepts the fixed known-answer vector', () => {
    const result = verify({ 'x-square-hmacsha256-signature': 'MXoO57kXuoBsqM+lNUaiUMhA9et+KqUat53+oODpNTU=' });
    expect(result).toEqual({
      ok: true,
      dedupId: 'e1',
      eventType: 'payment.created',
      occurredAt: new Date('2026-05-20T14:25:28.105Z'),
      secretIndex: 0,
    });
  });

  it('accepts an independently computed signature with header names in any case', () => {
    expect(verify({ 'X-Square-HmacSha256-Signature': sig('square-sig-key') }).ok).toBe(true);
  });

  it('accepts the old or the new key during rotation and reports which', () => {
    expect(verify({ 'x-square-hmacsha256-signature': sig('new') }, ['new', 'old'])).toMatchObject({
      ok: true,
      secretIndex: 0,
    });
    expect(verify({ 'x-square-hmacsha256-signature': sig('old') }, ['new', 'old'])).toMatchObject({
      ok: true,
      secretIndex: 1,
    });
  });

  it.each([
    [
      'a one-byte body change',
      { 'x-square-hmacsha256-signature': sig('square-sig-key') },
      body.replace('e1', 'e2'),
      url,
      'BAD_SIGNATURE',
    ],
    [
      'a different notification URL (proxy path)',
      { 'x-square-hmacsha256-signature': sig('square-sig-key') },
      body,
      `${url}/`,
      'BAD_SIGNATURE',
    ],
    ['a wrong key', { 'x-square-hmacsha256-signature': sig('other') }, body, url, 'BAD_SIGNATURE'],
    ['no signature', {}, body, url, 'MISSING_SIGNATURE'],
    ['an empty signature', { 'x-square-hmacsha256-signature': '' }, body, url, 'MISSING_SIGNATURE'],
    [
      'a truncated signature',
      { 'x-square-hmacsha256-signature': sig('square-sig-key').slice(0, 20) },
      body,
      url,
      'MALFORMED_SIGNATURE',
    ],
    [
      'an over-long signature',
      { 'x-square-hmacsha256-signature': `${sig('square-sig-key')}AAAA` },
      body,
      url,
      'MALFORMED_SIGNATURE',
    ],
    [
      'a multibyte signature',
      { 'x-square-hmacsha256-signature': 'é'.repeat(43) + '=' },
      body,
      url,
      'MALFORMED_SIGNATURE',
    ],
    [
      'duplicated headers',
      { 'x-square-hmacsha256-signature': [sig('square-sig-key'), sig('square-sig-key')] },
      body,
      url,
      'MALFORMED_SIGNATURE',
    ],
    [
      'no notification URL configured',
      { 'x-square-hmacsha256-signature': sig('square-sig-key') },
      body,
      null,
      'MISSING_SECRET',
    ],
  ])('refuses %s', (_name, headers, b, u, code) => {
    expect(verify(headers as WebhookHeaders, ['square-sig-key'], b, u)).toEqual({ ok: false, code });
  });

  it('refuses a repeated header given under two spellings', () => {
    const s = sig('square-sig-key');
    expect(verify({ 'x-square-hmacsha256-signature': s, 'X-Square-HmacSha256-Signature': s })).toEqual({
      ok: false,
      code: 'MALFORMED_SIGNATURE',
    });
  });

  it('fails closed without secrets and never uses an empty secret', () => {
    expect(verify({ 'x-square-hmacsha256-signature': sig('x') }, [])).toEqual({ ok: false, code: 'MISSING_SECRET' });
    expect(verify({ 'x-square-hmacsha256-signature': sig('') }, [''])).toEqual({ ok: false, code: 'MISSING_SECRET' });
  });

  it('needs event_id and a JSON object body', () => {
    const noId = '{"type":"payment.created"}';
    expect(
      verify({ 'x-square-hmacsha256-signature': sig('square-sig-key', url, noId) }, ['square-sig-key'], noId),
    ).toEqual({
      ok: false,
      code: 'MISSING_DEDUP_ID',
    });
    const notJson = 'not json';
    expect(
      verify({ 'x-square-hmacsha256-signature': sig('square-sig-key', url, notJson) }, ['square-sig-key'], notJson),
    ).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
    });
  });
});

describe('shopify-hmac', () => {
  const body = '{"id":820982911946154508}';
  const headers = (signature: string | string[]): WebhookHeaders => ({
    'x-shopify-hmac-sha256': signature,
    'x-shopify-topic': 'orders/create',
    'x-shopify-webhook-id': 'wh-1',
    'x-shopify-event-id': 'ev-1',
    'x-shopify-triggered-at': '2026-07-10T16:00:00.123Z',
  });
  const verify = (h: WebhookHeaders, secrets = ['shpss_test'], b = body) =>
    verifyWebhook('shopify-hmac', input(b, h, secrets));

  it('accepts the fixed known-answer vector and keeps both ids', () => {
    expect(verify(headers('3JxXO8Lul52iD5+qb1FHtoXK8vDwPbXpi8eB+yETk5I='))).toEqual({
      ok: true,
      dedupId: 'wh-1',
      providerEventId: 'ev-1',
      eventType: 'orders/create',
      occurredAt: new Date('2026-07-10T16:00:00.123Z'),
      secretIndex: 0,
    });
  });

  it('verifies over the exact bytes, including non-UTF-8-normalised unicode', () => {
    const raw = Buffer.from('{"title":"Cafe\u0301","id":1}', 'utf8');
    expect(verify(headers(b64('k', raw)), ['k'], raw.toString()).ok).toBe(true);
    expect(verify(headers(b64('k', raw)), ['k'], '{"title":"Caf\u00e9","id":1}')).toEqual({
      ok: false,
      code: 'BAD_SIGNATURE',
    });
  });

  it('refuses missing dedup id, missing topic and duplicated signature', () => {
    const good = b64('shpss_test', body);
    const { 'x-shopify-webhook-id': _id, ...noId } = headers(good);
    expect(verify(noId)).toEqual({ ok: false, code: 'MISSING_DEDUP_ID' });
    const { 'x-shopify-topic': _topic, ...noTopic } = headers(good);
    expect(verify(noTopic)).toEqual({ ok: false, code: 'MALFORMED_BODY' });
    expect(verify(headers([good, good]))).toEqual({ ok: false, code: 'MALFORMED_SIGNATURE' });
  });
});

describe('standard-webhooks', () => {
  // The Standard Webhooks specification's published example.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const specBody = '{"test": 2432232314}';
  const specHeaders = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const at = (seconds: number): Date => new Date(seconds * 1000);

  it('matches the specification example (signature, then timestamp tolerance)', () => {
    const ok = verifyWebhook('standard-webhooks', input(specBody, specHeaders, [secret], { now: at(1614265330) }));
    // The example body has no `type`, so the signature passes and the event type is missing.
    expect(ok).toEqual({ ok: false, code: 'MALFORMED_BODY' });
    const late = verifyWebhook(
      'standard-webhooks',
      input(specBody, specHeaders, [secret], { now: at(1614265330 + 301) }),
    );
    expect(late).toEqual({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  const key = randomBytes(32);
  const whsec = `whsec_${key.toString('base64')}`;
  const body = '{"type":"invoice.paid","data":{"id":1}}';
  const ts = Math.floor(now.getTime() / 1000);
  const sign = (id: string, t: number, k: Buffer = key, b = body): string => `v1,${b64(k, `${id}.${t}.`, b)}`;
  const verify = (headers: WebhookHeaders, secrets = [whsec], extra: Partial<WebhookInput> = {}) =>
    verifyWebhook('standard-webhooks', input(body, headers, secrets, extra));
  const headers = (signature: string, t = ts, id = 'msg_1'): WebhookHeaders => ({
    'webhook-id': id,
    'webhook-timestamp': String(t),
    'webhook-signature': signature,
  });

  it('accepts a computed signature, with or without the whsec_ prefix', () => {
    expect(verify(headers(sign('msg_1', ts)))).toEqual({
      ok: true,
      dedupId: 'msg_1',
      eventType: 'invoice.paid',
      occurredAt: new Date(ts * 1000),
      secretIndex: 0,
    });
    expect(verify(headers(sign('msg_1', ts)), [key.toString('base64')]).ok).toBe(true);
  });

  it('accepts one valid signature among several and skips unknown versions', () => {
    const other = `v1,${randomBytes(32).toString('base64')}`;
    expect(verify(headers(`v1a,xyz ${other}  ${sign('msg_1', ts)}`)).ok).toBe(true);
    expect(verify(headers(`${other} v2,abc`))).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verify(headers('v1a,xyz v2,abc'))).toEqual({ ok: false, code: 'MALFORMED_SIGNATURE' });
  });

  it('enforces the tolerance in both directions, inclusive at the edge', () => {
    for (const [offset, ok] of [
      [300, true],
      [-300, true],
      [301, false],
      [-301, false],
    ] as const) {
      const result = verify(headers(sign('msg_1', ts + offset), ts + offset));
      expect(result.ok ? 'ok' : result.code).toBe(ok ? 'ok' : 'TIMESTAMP_OUT_OF_TOLERANCE');
    }
    expect(verify(headers(sign('msg_1', ts + 50), ts + 50), [whsec], { toleranceSeconds: 10 })).toEqual({
      ok: false,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
  });

  it('binds id and timestamp into the signature', () => {
    expect(verify(headers(sign('msg_1', ts), ts + 1))).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verify(headers(sign('msg_1', ts), ts, 'msg_2'))).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it.each([
    ['missing id', { 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,x' }, 'MISSING_DEDUP_ID'],
    ['missing timestamp', { 'webhook-id': 'm', 'webhook-signature': 'v1,x' }, 'MISSING_SIGNATURE'],
    ['missing signature', { 'webhook-id': 'm', 'webhook-timestamp': String(ts) }, 'MISSING_SIGNATURE'],
    [
      'non-numeric timestamp',
      { 'webhook-id': 'm', 'webhook-timestamp': '1e9', 'webhook-signature': 'v1,x' },
      'MALFORMED_SIGNATURE',
    ],
    [
      'duplicated id',
      { 'webhook-id': ['a', 'b'], 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,x' },
      'MALFORMED_SIGNATURE',
    ],
  ])('refuses %s', (_name, h, code) => {
    expect(verify(h as WebhookHeaders)).toEqual({ ok: false, code });
  });

  it('accepts ids with dots, signed by the reference library (the id is opaque)', () => {
    const signature = new Webhook(whsec).sign('evt.123.1', new Date(ts * 1000), body);
    expect(verify(headers(signature, ts, 'evt.123.1'))).toMatchObject({ ok: true, dedupId: 'evt.123.1' });
    expect(verify(headers(signature, ts, 'evt.123.2'))).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('fails closed when no secret decodes', () => {
    expect(verify(headers(sign('msg_1', ts)), ['whsec_!!!'])).toEqual({ ok: false, code: 'MISSING_SECRET' });
  });
});

describe('jira-hub-signature', () => {
  const body = '{"timestamp":1735693200000,"webhookEvent":"jira:issue_updated"}';
  const verify = (headers: WebhookHeaders, b = body) =>
    verifyWebhook('jira-hub-signature', input(b, headers, ['jira-secret']));
  const fixed = 'sha256=5d608de5d4ee6909e06f42358e69bab55decf1f115d209244bc152e5ad201a1d';

  it('accepts the fixed vector and a computed one', () => {
    expect(verify({ 'x-hub-signature': fixed, 'x-atlassian-webhook-identifier': 'wh-9' })).toEqual({
      ok: true,
      dedupId: 'wh-9',
      eventType: 'jira:issue_updated',
      occurredAt: new Date(1735693200000),
      secretIndex: 0,
    });
    const hex = createHmac('sha256', 'jira-secret').update(body).digest('hex');
    expect(verify({ 'X-Hub-Signature': `sha256=${hex}`, 'X-Atlassian-Webhook-Identifier': 'wh-9' }).ok).toBe(true);
  });

  it.each([
    ['sha1 prefix', `sha1=${'a'.repeat(40)}`, 'MALFORMED_SIGNATURE'],
    ['odd-length hex', `sha256=${'a'.repeat(63)}`, 'MALFORMED_SIGNATURE'],
    ['base64 instead of hex', `sha256=${Buffer.alloc(32).toString('base64')}`, 'MALFORMED_SIGNATURE'],
    ['wrong digest', `sha256=${'0'.repeat(64)}`, 'BAD_SIGNATURE'],
  ])('refuses %s', (_name, signature, code) => {
    expect(verify({ 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': 'wh-9' })).toEqual({
      ok: false,
      code,
    });
  });

  it('needs the webhook identifier', () => {
    expect(verify({ 'x-hub-signature': fixed })).toEqual({ ok: false, code: 'MISSING_DEDUP_ID' });
  });
});

describe('any scheme', () => {
  it('refuses everything for scheme none', () => {
    expect(verifyWebhook('none', input('{}', {}, ['s']))).toEqual({ ok: false, code: 'MISSING_SECRET' });
  });

  it('never throws on arbitrary headers, bodies and secrets', () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
    const names = [
      'x-square-hmacsha256-signature',
      'x-shopify-hmac-sha256',
      'webhook-signature',
      'webhook-id',
      'webhook-timestamp',
      'x-hub-signature',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom<'square-hmac' | 'shopify-hmac' | 'standard-webhooks' | 'jira-hub-signature' | 'none'>(
          'square-hmac',
          'shopify-hmac',
          'standard-webhooks',
          'jira-hub-signature',
          'none',
        ),
        fc.dictionary(fc.constantFrom(...names), headerValue),
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.string(), { maxLength: 2 }),
        (scheme, headers, body, secrets) => {
          const result = verifyWebhook(
            scheme,
            input(Buffer.from(body), headers, secrets, { notificationUrl: 'https://x' }),
          );
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a non-Buffer body instead of throwing', () => {
    const bad = { rawBody: 'text' as unknown as Buffer, headers: {}, secrets: ['s'], now };
    expect(verifyWebhook('shopify-hmac', bad).ok).toBe(false);
  });
});
