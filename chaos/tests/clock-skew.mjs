// T22 clock skew, webhook side: webhook-ingest restarted under faketime +10 min (and -10 min in the full profile).
// Standard Webhooks deliveries signed at offsets just inside and just outside the tolerance, relative to the service's
// skewed clock and relative to real time, must be accepted or refused exactly per the window (|signed - service
// clock| <= WEBHOOK_TOLERANCE_SECONDS, default 300), both ways. Square and Shopify sign no timestamp: a delivery is
// accepted whatever its stated time, and a repeat is absorbed by dedup (one row). Restarted with the real clock after.
import { randomUUID } from 'node:crypto';
import { withClient } from '../../bench/lib/stack.mjs';
import { fakeClockEnv } from '../lib/tools.mjs';
import { eventually, isReady } from '../lib/traffic.mjs';
import {
  createConnection,
  sendShopifyWebhook,
  sendSquareEvent,
  sendStandardWebhook,
  squareEvent,
} from '../lib/webhooks.mjs';

export const name = 'clock skew (faketime)';

const toleranceSeconds = 300;
// Far enough from the edge that request latency on a loaded machine cannot move a case across it.
const marginSeconds = 30;
const skewSeconds = { '+10m': 600, '-10m': -600 };
const offsets = [
  -(toleranceSeconds + marginSeconds),
  -(toleranceSeconds - marginSeconds),
  0,
  toleranceSeconds - marginSeconds,
  toleranceSeconds + marginSeconds,
];

const accepted = (r) => typeof r.status === 'number' && r.status >= 200 && r.status < 300;

/** Every offset against the service's clock and against real time; returns the cases that went the wrong way. */
async function toleranceMatrix(url, key, skew) {
  const cases = [];
  for (const base of ['service', 'real']) {
    for (const offset of offsets) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const timestamp = nowSeconds + offset + (base === 'service' ? skew : 0);
      const expected = Math.abs(timestamp - (nowSeconds + skew)) <= toleranceSeconds;
      const body = JSON.stringify({ type: 'chaos.skew', data: { base, offset } });
      const r = await sendStandardWebhook(url, key, { id: `msg_${randomUUID()}`, timestamp, body });
      const code = /"code":"([A-Z_]+)"/.exec(r.body)?.[1];
      cases.push({ base, offset, expected, got: accepted(r), status: r.status, code });
    }
  }
  return cases;
}

/** Deliveries without a signed timestamp, stated an hour old, each sent twice: two 2xx each, one row each. */
async function unsignedTimes(system, urls, canaries, tag) {
  const staleIso = new Date(Date.now() - 3_600_000).toISOString();
  const squareId = `skew-${tag}-${randomUUID()}`;
  const squareBody = squareEvent(squareId).replace(/"created_at":"[^"]+"/, `"created_at":"${staleIso}"`);
  const shopifyId = `skew-${tag}-${randomUUID()}`;
  const shopify = { webhookId: shopifyId, shop: urls.shop, triggeredAt: staleIso, body: '{"id":1,"name":"#1001"}' };
  const statuses = [];
  for (let i = 0; i < 2; i += 1) {
    statuses.push((await sendSquareEvent(urls.square, canaries.webhookSecret, squareBody)).status);
    statuses.push((await sendShopifyWebhook(urls.shopify, canaries.clientSecret, shopify)).status);
  }
  const rows = await withClient(system.database.url, async (client) => {
    const { rows: found } = await client.query(
      `SELECT count(*)::int AS n FROM webhook.received_events WHERE dedup_key IN ($1, $2) OR provider_event_id IN ($1, $2)`,
      [squareId, shopifyId],
    );
    return found[0].n;
  });
  return { statuses, rows, pass: statuses.every((s) => s >= 200 && s < 300) && rows === 2 };
}

async function connections(system, canaries, rng) {
  const suffix = rng.hex(3);
  const shop = `chaos-skew-${suffix}.myshopify.com`;
  const ids = {
    standard: await createConnection(system, canaries.apiKey, { provider: 'sandbox-oauth', alias: `skew-${suffix}` }),
    square: await createConnection(system, canaries.apiKey, { provider: 'square', alias: `skew-${suffix}` }),
    shopify: await createConnection(system, canaries.apiKey, {
      provider: 'shopify',
      alias: `skew-${suffix}`,
      metadata: { shop },
    }),
  };
  const url = (provider, id) => `${system.url('gateway')}/webhooks/${provider}/${id}`;
  return {
    shop,
    standard: url('sandbox-oauth', ids.standard),
    square: url('square', ids.square),
    shopify: url('shopify', ids.shopify),
  };
}

export async function run({ system, rng, profile, canaries }) {
  const probe = fakeClockEnv('+0');
  if (!probe.env) return { skipped: probe.why, injected: 'faketime ±10 min' };
  const skews = profile === 'short' ? ['+10m'] : ['+10m', '-10m'];
  const urls = await connections(system, canaries, rng);
  const key = Buffer.from(canaries.webhookSecret);
  const details = [];
  let pass = true;
  let requests = 0;
  let ok = 0;
  try {
    for (const skew of skews) {
      await system.start('webhook-ingest', { env: fakeClockEnv(skew).env });
      await eventually(() => isReady(system.url('gateway')), 30_000);
      const cases = await toleranceMatrix(urls.standard, key, skewSeconds[skew]);
      const wrong = cases.filter((c) => c.expected !== c.got);
      const unsigned = await unsignedTimes(system, urls, canaries, skew);
      requests += cases.length + unsigned.statuses.length;
      ok += cases.length - wrong.length + unsigned.statuses.filter((s) => s >= 200 && s < 300).length;
      if (wrong.length > 0 || !unsigned.pass) pass = false;
      const render = (base) =>
        cases
          .filter((c) => c.base === base)
          .map((c) => `${c.offset >= 0 ? '+' : ''}${c.offset} s ${c.got ? 'accepted' : `refused ${c.status}`}`)
          .join(', ');
      details.push(
        `webhook-ingest under faketime ${skew}, tolerance ${toleranceSeconds} s: signed relative to its clock: ${render('service')}; relative to real time: ${render('real')}; against the window: ${wrong.length === 0 ? 'all as expected' : `${wrong.length} WRONG (${JSON.stringify(wrong)})`}; refusal codes: ${[...new Set(cases.filter((c) => !c.got).map((c) => c.code))].join(', ')}`,
        `under ${skew}: Square and Shopify deliveries stated an hour old, each sent twice: statuses ${unsigned.statuses.join(', ')}, rows ${unsigned.rows} (must be 2: accepted, dedup only)`,
      );
    }
  } finally {
    await system.start('webhook-ingest');
    await eventually(() => isReady(system.url('gateway')), 30_000);
  }
  return {
    injected: `webhook-ingest under faketime ${skews.join(' and ')}; Standard Webhooks signed at ±${toleranceSeconds - marginSeconds} s and ±${toleranceSeconds + marginSeconds} s around its clock and real time; Square and Shopify stated an hour old`,
    requests,
    ok,
    lost: 0,
    unknown: 0,
    duplicated: 0,
    pass,
    details,
  };
}
