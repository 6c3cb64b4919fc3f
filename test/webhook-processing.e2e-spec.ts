import { eventually } from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  canonicalEventCounts,
  post,
  receivedEventCounts,
  rawPost,
  sign,
  squareBody,
  startWebhookStack,
  type WebhookStack,
} from './webhook-harness.js';
import { cliError, operatorCli } from './operator-cli.js';

// T4 duplicate storm, T10 poison among 1,000, T25 hostile bodies, and the admin API, through gateway and webhook-ingest.
describe('webhook processing (e2e)', () => {
  let stack: WebhookStack;
  const squareKey = 'square-signature-key';
  const squareUrl = 'https://public.example.com/webhooks/square/conn_sq';
  const whsec = `whsec_${Buffer.from('standard-webhooks-secret-32-bytes').toString('base64')}`;
  const shopifySecret = 'shpss_secret';
  const apiKey = 'sk_test_webhook_admin';
  const url = (provider: string, connectionId: string) => `${stack.gateway.url}/webhooks/${provider}/${connectionId}`;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.gateway.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
    });
  const rowsFor = async (where: string, params: unknown[]) =>
    (
      await stack.sql.query<{ id: string; status: string; generation: number; attempts: number }>(
        `SELECT * FROM webhook.received_events WHERE ${where}`,
        params,
      )
    ).rows;

  const ingestGauge = async (name: string) => {
    const metrics = await (await fetch(`${stack.ingest.url}/metrics`)).text();
    return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
  };
  /**
   * Keeps deliveries in flight at webhook-ingest until `stop`: their secrets lookups are held, each on a connection of
   * its own (lookups of one connection share a flight, and would all time out at once).
   */
  const keepIntakeSaturated = () => {
    const deliveries: Promise<unknown>[] = [];
    let pending = 0;
    const send = () => {
      const connectionId = `conn_held_${deliveries.length}`;
      stack.secrets.held.add(connectionId);
      pending++;
      deliveries.push(post(url('shopify', connectionId), '{}', sign.shopify('any', '{}')).finally(() => pending--));
    };
    send();
    send();
    const timer = setInterval(() => (send(), send()), 250);
    return {
      pending: () => pending,
      stop: async () => {
        clearInterval(timer);
        stack.secrets.release();
        await Promise.all(deliveries);
      },
    };
  };

  /** Delivers an event while intake is saturated; resolves with its id once its publish is seen waiting. */
  const deliverHeldBack = async () => {
    await eventually(() => stack.secrets.parkedCount > 0);
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: `inv_${randomUUID()}` } });
    const answer = await post(url('sandbox-events', 'conn_deferred'), body, sign.standard(whsec, body));
    expect(answer.status).toBe(200);
    await eventually(async () => (await ingestGauge('shelflink_webhook_outbox_deferred_events')) >= 1);
    return (answer.body as { eventId: string }).eventId;
  };

  beforeAll(async () => {
    stack = await startWebhookStack({
      ingestEnv: {
        WEBHOOK_BACKLOG_METRICS_INTERVAL_MS: '200',
        WEBHOOK_INTAKE_SATURATION_IN_FLIGHT: '2',
        WEBHOOK_RELAY_MAX_DEFER_MS: '5000',
      },
    });
    stack.secrets.set('conn_sq', {
      tenantId: 'tenant-p',
      provider: 'square',
      scheme: 'square-hmac',
      secrets: [squareKey],
      notificationUrl: squareUrl,
    });
    stack.secrets.set('conn_sw', {
      tenantId: 'tenant-p',
      provider: 'sandbox-events',
      scheme: 'standard-webhooks',
      secrets: [whsec],
    });
    // Its own connection, so the tests of deferred publishing add nothing to the others' counts.
    stack.secrets.set('conn_deferred', {
      tenantId: 'tenant-p',
      provider: 'sandbox-events',
      scheme: 'standard-webhooks',
      secrets: [whsec],
    });
    stack.secrets.set('conn_sh', {
      tenantId: 'tenant-p',
      provider: 'shopify',
      scheme: 'shopify-hmac',
      secrets: [shopifySecret],
    });
    stack.secrets.apiKeys.set(apiKey, 'tenant-p');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stores and processes one event for 50 concurrent deliveries and for a retry with a new timestamp', async () => {
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } });
    const headers = sign.standard(whsec, body, id);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post(url('sandbox-events', 'conn_sw'), body, headers)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.filter((a) => (a.body as { status: string }).status === 'accepted')).toHaveLength(1);
    const retry = await post(
      url('sandbox-events', 'conn_sw'),
      body,
      sign.standard(whsec, body, id, Math.floor(Date.now() / 1000) + 5),
    );
    expect(retry).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    const rows = await rowsFor('dedup_key = $1', [id]);
    expect(rows).toHaveLength(1);
    const rowId = rows[0]?.id ?? '';
    await eventually(async () => (await rowsFor('id = $1', [rowId]))[0]?.status === 'processed');
    expect((await canonicalEventCounts(stack.nats)).get(rowId)).toBe(1);
  });

  it('holds back processing while deliveries queue at intake, and processes the stored event once they stop', async () => {
    const saturating = keepIntakeSaturated();
    const eventId = await deliverHeldBack();
    // Committed before the 2xx, and waiting for its publish (an operator sees it in the gauge).
    expect((await rowsFor('id = $1', [eventId]))[0]?.status).toBe('received');
    await saturating.stop();
    await eventually(async () => (await rowsFor('id = $1', [eventId]))[0]?.status === 'processed');
    expect((await canonicalEventCounts(stack.nats)).get(eventId)).toBe(1);
    expect(await ingestGauge('shelflink_webhook_outbox_deferred_events')).toBe(0);
  });

  it('processes a held-back event after WEBHOOK_RELAY_MAX_DEFER_MS even while intake stays saturated', async () => {
    const saturating = keepIntakeSaturated();
    try {
      const eventId = await deliverHeldBack();
      await eventually(async () => (await rowsFor('id = $1', [eventId]))[0]?.status === 'processed');
      // Still saturated when it was processed: at least the threshold's worth of deliveries in flight.
      expect(saturating.pending()).toBeGreaterThanOrEqual(2);
    } finally {
      await saturating.stop();
    }
  });

  it('publishes held-back events when it stops, so none waits for a restart', async () => {
    const saturating = keepIntakeSaturated();
    let eventId = '';
    try {
      eventId = await deliverHeldBack();
      await stack.ingest.stop();
    } finally {
      await saturating.stop();
    }
    // Before any restart (whose start-up sweep would publish it too): processed on the way out, or waiting in the stream.
    const status = (await rowsFor('id = $1', [eventId]))[0]?.status;
    if (status !== 'processed') {
      expect(status).toBe('received');
      expect((await receivedEventCounts(stack.nats)).get(eventId)).toBe(1);
    }
    await stack.restartIngest();
    await eventually(async () => (await rowsFor('id = $1', [eventId]))[0]?.status === 'processed');
    expect((await canonicalEventCounts(stack.nats)).get(eventId)).toBe(1);
  });

  it('dead-letters one poison event after MaxDeliver while the other 999 are processed', async () => {
    const poisonId = randomUUID();
    const bodies = Array.from({ length: 1_000 }, (_, i) => {
      if (i !== 500) return squareBody('order.updated');
      // Verified, but an order event without data.id cannot become a canonical event.
      return JSON.stringify({
        merchant_id: 'M1',
        type: 'order.updated',
        event_id: poisonId,
        created_at: new Date().toISOString(),
        data: {},
      });
    });
    for (let i = 0; i < bodies.length; i += 25) {
      const chunk = bodies.slice(i, i + 25);
      const answers = await Promise.all(
        chunk.map((b) => post(url('square', 'conn_sq'), b, sign.square(squareKey, squareUrl, b))),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
    }
    await eventually(async () => {
      const { rows } = await stack.sql.query<{ processed: number; dead: number }>(
        `SELECT count(*) FILTER (WHERE status = 'processed')::int AS processed, count(*) FILTER (WHERE status = 'dead')::int AS dead
         FROM webhook.received_events WHERE connection_id = 'conn_sq'`,
      );
      return rows[0]?.processed === 999 && rows[0].dead === 1;
    }, 60_000);
    const dead = await stack.sql.query(
      `SELECT d.attempts, d.last_error FROM webhook.dead_letters d JOIN webhook.received_events e ON e.id = d.event_id WHERE e.dedup_key = $1`,
      [poisonId],
    );
    expect(dead.rows).toEqual([{ attempts: 3, last_error: expect.stringContaining('CanonicalMappingError') }]);
    // The subscription is still alive afterwards.
    const after = squareBody();
    const answer = await post(url('square', 'conn_sq'), after, sign.square(squareKey, squareUrl, after));
    await eventually(
      async () => (await rowsFor('id = $1', [(answer.body as { eventId: string }).eventId]))[0]?.status === 'processed',
    );
    // The gauges an operator alerts on: nothing waits, one event is dead.
    await eventually(
      async () =>
        (await ingestGauge('shelflink_webhook_backlog_events')) === 0 &&
        (await ingestGauge('shelflink_webhook_backlog_oldest_seconds')) === 0 &&
        (await ingestGauge('shelflink_webhook_dead_events')) === 1,
    );
  });

  it('lists, inspects and replays events, and requeues dead letters through the admin API', async () => {
    const list = await admin('/api/v1/webhook-events?connectionId=conn_sq&status=dead');
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { id: string; attempts: number; status: string }[] };
    expect(items).toHaveLength(1);
    const poison = items[0]!;
    const letters = (await (await admin('/api/v1/webhook-dead-letters')).json()) as { items: { eventId: string }[] };
    expect(letters.items.map((l) => l.eventId)).toEqual([poison.id]);
    const requeue = await admin('/api/v1/webhook-dead-letters/requeue', {
      method: 'POST',
      body: JSON.stringify({ eventIds: [poison.id] }),
    });
    expect(await requeue.json()).toEqual({ replayed: 1 });
    // Deterministic poison: dead again, under generation 1, after MaxDeliver new attempts.
    await eventually(async () => {
      const [row] = await rowsFor('id = $1', [poison.id]);
      return row?.status === 'dead' && row.generation === 1 && row.attempts === 3;
    }, 30_000);

    const processed = (
      (await (await admin('/api/v1/webhook-events?connectionId=conn_sq&status=processed&limit=1')).json()) as {
        items: { id: string }[];
      }
    ).items[0]!;
    const detail = (await (await admin(`/api/v1/webhook-events/${processed.id}`)).json()) as {
      rawBody: string;
      headers: Record<string, string>;
    };
    expect(JSON.parse(Buffer.from(detail.rawBody, 'base64').toString())).toMatchObject({ type: 'order.updated' });
    expect(detail.headers['x-square-hmacsha256-signature']).toEqual(expect.any(String));
    expect((await admin(`/api/v1/webhook-events/${processed.id}/replay`, { method: 'POST' })).status).toBe(202);
    await eventually(async () => (await canonicalEventCounts(stack.nats)).get(`${processed.id}.1`) === 1, 20_000);

    const range = await admin('/api/v1/webhook-events/replay', {
      method: 'POST',
      body: JSON.stringify({
        connectionId: 'conn_sw',
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date().toISOString(),
      }),
    });
    expect(await range.json()).toEqual({ replayed: 1 });

    expect((await admin(`/api/v1/webhook-events/${randomUUID()}`)).status).toBe(404);
    const invalid = await admin('/api/v1/webhook-events?limit=5000');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('limit'),
    });
    const inverted = await admin('/api/v1/webhook-events/replay', {
      method: 'POST',
      body: JSON.stringify({ connectionId: 'conn_sw', from: new Date().toISOString(), to: new Date(0).toISOString() }),
    });
    expect(inverted.status).toBe(400);
    expect(((await inverted.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'to: must be after `from`',
      requestId: expect.any(String),
    });
    expect((await fetch(`${stack.gateway.url}/api/v1/webhook-events`)).status).toBe(401);
  });

  it('lets operators list events, replay them and requeue dead letters with the CLI', async () => {
    const cli = operatorCli(stack.nats);
    const out = async <T>(args: string[]): Promise<T> => {
      const result = await cli(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      return JSON.parse(result.stdout) as T;
    };
    type Items = { items: { id: string; eventId: string; status: string }[] };
    const dead = await out<Items>(['events', 'list', 'tenant-p', '--connection', 'conn_sq', '--status', 'dead']);
    expect(dead.items.map((e) => e.status)).toEqual(['dead']);
    const poisonId = dead.items[0]!.id;
    expect((await out<Items>(['deadletters', 'list', 'tenant-p'])).items.map((l) => l.eventId)).toEqual([poisonId]);
    expect(await out(['deadletters', 'requeue', 'tenant-p', poisonId])).toEqual({ replayed: 1 });
    await eventually(async () => {
      const [row] = await rowsFor('id = $1', [poisonId]);
      return row?.status === 'dead' && row.generation === 2 && row.attempts === 3;
    }, 30_000);

    const processed = await out<Items>(['events', 'list', 'tenant-p', '--status', 'processed', '--limit', '1']);
    const eventId = processed.items[0]!.id;
    const [before] = await rowsFor('id = $1', [eventId]);
    expect(await out(['event', 'replay', 'tenant-p', eventId])).toEqual({ replayed: 1 });
    await eventually(async () => (await rowsFor('id = $1', [eventId]))[0]?.generation === before!.generation + 1);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date().toISOString();
    expect(await out(['events', 'replay', 'tenant-p', 'conn_sw', '--from', from, '--to', to])).toEqual({ replayed: 1 });

    // Another tenant sees none of it; bad input is refused with a stable code.
    expect((await out<Items>(['deadletters', 'list', 'tenant-other'])).items).toEqual([]);
    const refused = await cli(['events', 'list', 'tenant-p', '--limit', '5000']);
    expect(refused.code).toBe(1);
    expect(cliError(refused).code).toBe('INVALID_REQUEST');
    const inverted = await cli(['events', 'replay', 'tenant-p', 'conn_sw', '--from', to, '--to', from]);
    expect({ code: inverted.code, error: cliError(inverted) }).toEqual({
      code: 1,
      error: { code: 'INVALID_REQUEST', message: '`from` must be before `to`' },
    });
  });

  it('answers hostile bodies with 4xx and harms nothing', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const bad = { 'content-type': 'application/json', 'x-shopify-hmac-sha256': Buffer.alloc(32).toString('base64') };
    const cases: [string, () => Promise<{ status: number }>, number][] = [
      ['10 MB body', () => rawPost(url('shopify', 'conn_sh'), Buffer.alloc(10 * 1024 * 1024, 0x20), bad), 413],
      ['100k-deep JSON, unsigned', () => post(url('shopify', 'conn_sh'), deep, bad), 401],
      [
        '100k-deep JSON array, signed',
        () =>
          post(
            url('shopify', 'conn_sh'),
            '['.repeat(100_000) + ']'.repeat(100_000),
            sign.shopify(shopifySecret, '['.repeat(100_000) + ']'.repeat(100_000)),
          ),
        400,
      ],
      [
        'invalid UTF-8, signed',
        () =>
          post(
            url('shopify', 'conn_sh'),
            Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
            sign.shopify(shopifySecret, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
          ),
        400,
      ],
      [
        'gzip bomb',
        () =>
          rawPost(url('shopify', 'conn_sh'), bomb, {
            ...bad,
            'content-encoding': 'gzip',
          }),
        415,
      ],
    ];
    const timings: Record<string, number> = {};
    for (const [name, send, status] of cases) {
      const started = performance.now();
      expect({ name, status: (await send()).status }).toEqual({ name, status });
      timings[name] = Math.round(performance.now() - started);
    }
    process.stdout.write(`hostile-body timings (ms, informational): ${JSON.stringify(timings)}\n`);

    // A signed body with __proto__ keys is stored and processed as plain data.
    const proto = JSON.stringify({
      id: 7,
      __proto__: { polluted: true },
      constructor: { prototype: { polluted: true } },
    }).replace('"id":7', '"id":7,"__proto__":{"polluted":true}');
    const answer = await post(url('shopify', 'conn_sh'), proto, sign.shopify(shopifySecret, proto));
    expect(answer.status).toBe(200);
    await eventually(
      async () => (await rowsFor('id = $1', [(answer.body as { eventId: string }).eventId]))[0]?.status === 'processed',
    );
    expect(stack.ingest.child.exitCode).toBeNull();
    expect(stack.gateway.child.exitCode).toBeNull();
    expect((await fetch(`${stack.gateway.url}/health/live`)).status).toBe(200);
  });
});
