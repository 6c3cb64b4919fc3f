import { eventually, startService } from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { canonicalEventCounts, sign, squareBody, startWebhookStack, type WebhookStack } from './webhook-harness.js';
import { metricSample } from './metric-sample.js';

// T6/T8: kill -9 of webhook-ingest, and separately of nats-server, during a stream of unique events from a sender that
// retries like a provider. Oracle: every event that got a 2xx is stored once and processed once (lost = 0, duplicated = 0).
describe('webhook intake under kill -9 (e2e)', () => {
  let stack: WebhookStack;
  const squareKey = 'square-signature-key';
  const squareUrl = 'https://public.example.com/webhooks/square/conn_crash';

  beforeAll(async () => {
    stack = await startWebhookStack();
    stack.secrets.set('conn_crash', {
      tenantId: 'tenant-c',
      provider: 'square',
      scheme: 'square-hmac',
      secrets: [squareKey],
      notificationUrl: squareUrl,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  interface Ledger {
    acked: Set<string>;
    attempts: number;
    non2xx: number;
  }

  /** Sends `count` unique events, `concurrency` at a time; each is retried (non-2xx, timeout, refused) until a 2xx or the deadline. */
  async function sendStream(
    count: number,
    concurrency: number,
    deadline: number,
  ): Promise<{ ledger: Ledger; ids: string[] }> {
    const ids = Array.from({ length: count }, () => randomUUID());
    const ledger: Ledger = { acked: new Set(), attempts: 0, non2xx: 0 };
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const body = squareBody('order.updated', id);
        for (let retry = 0; Date.now() < deadline; retry++) {
          ledger.attempts++;
          const status = await fetch(`${stack.gateway.url}/webhooks/square/conn_crash`, {
            method: 'POST',
            headers: sign.square(squareKey, squareUrl, body),
            body,
            signal: AbortSignal.timeout(5_000),
          }).then(
            (r) => r.status,
            () => 0,
          );
          if (status >= 200 && status < 300) {
            ledger.acked.add(id);
            break;
          }
          ledger.non2xx++;
          await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** retry, 1_000)));
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { ledger, ids };
  }

  /** Classifies each sent id from the ledger, the rows and the canonical events. */
  async function classify(ids: string[], ledger: Ledger) {
    const { rows } = await stack.sql.query<{ id: string; dedup_key: string; status: string }>(
      `SELECT id, dedup_key, status FROM webhook.received_events WHERE connection_id = 'conn_crash'`,
    );
    const byKey = new Map<string, { id: string; status: string }[]>();
    for (const row of rows) byKey.set(row.dedup_key, [...(byKey.get(row.dedup_key) ?? []), row]);
    const canonical = await canonicalEventCounts(stack.nats);
    const result = { ok: 0, lost: 0, unknown: 0, duplicated: 0 };
    for (const id of ids) {
      const stored = byKey.get(id) ?? [];
      const effects = stored.reduce((sum, row) => sum + (canonical.get(row.id) ?? 0), 0);
      if (stored.length > 1 || effects > 1) result.duplicated++;
      else if (!ledger.acked.has(id)) result.unknown++;
      else if (stored.length === 1 && effects === 1 && stored[0]?.status === 'processed') result.ok++;
      else result.lost++;
    }
    return result;
  }

  async function waitProcessed(ids: string[], ledger: Ledger): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await stack.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook.received_events WHERE connection_id = 'conn_crash' AND status = 'processed' AND dedup_key = ANY($1)`,
          [ids.filter((id) => ledger.acked.has(id))],
        );
        return rows[0]?.n === ledger.acked.size;
      },
      60_000,
      250,
    );
  }

  it('loses and duplicates nothing when webhook-ingest is killed with SIGKILL twice mid-stream', async () => {
    const stream = sendStream(400, 8, Date.now() + 60_000);
    for (let round = 0; round < 2; round++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await stack.ingest.kill();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stack.restartIngest();
    }
    const { ledger, ids } = await stream;
    await waitProcessed(ids, ledger);
    const result = await classify(ids, ledger);
    process.stdout.write(
      `kill -9 webhook-ingest: ${JSON.stringify({ ...result, attempts: ledger.attempts, non2xx: ledger.non2xx })}\n`,
    );
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.ok + result.unknown).toBe(400);
    expect(ledger.non2xx).toBeGreaterThan(0);
  });

  it('loses and duplicates nothing when nats-server is killed with SIGKILL mid-stream and restarted', async () => {
    const stream = sendStream(400, 8, Date.now() + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await stack.nats.stop(true);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stack.nats.start();
    const { ledger, ids } = await stream;
    await waitProcessed(ids, ledger);
    const result = await classify(ids, ledger);
    process.stdout.write(
      `kill -9 nats-server: ${JSON.stringify({ ...result, attempts: ledger.attempts, non2xx: ledger.non2xx })}\n`,
    );
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.ok + result.unknown).toBe(400);
    expect(stack.ingest.child.exitCode).toBeNull();
  });

  it('shares the work between two webhook-ingest replicas without duplicates', async () => {
    const second = await startService('webhook-ingest', stack.ingestEnv);
    try {
      const { ledger, ids } = await sendStream(300, 10, Date.now() + 60_000);
      await waitProcessed(ids, ledger);
      const result = await classify(ids, ledger);
      process.stdout.write(`two replicas: ${JSON.stringify(result)}\n`);
      expect(result).toEqual({ ok: 300, lost: 0, unknown: 0, duplicated: 0 });
      const served = await Promise.all(
        [stack.ingest, second].map((s) => metricSample(s.url, 'shelflink_webhook_intake_total', { outcome: 'stored' })),
      );
      expect(served.every((n) => n > 0)).toBe(true);
    } finally {
      await second.stop();
    }
  });
  it('publishes, when it starts, the rows a killed webhook-ingest stored but never published', async () => {
    // An hour's republish delay: only the start-up sweep can publish the row in time.
    const republishAfter = stack.ingestEnv.WEBHOOK_REPUBLISH_AFTER_MS;
    stack.ingestEnv.WEBHOOK_REPUBLISH_AFTER_MS = '3600000';
    try {
      await stack.ingest.kill();
      const id = randomUUID();
      const eventId = randomUUID();
      await stack.sql.query(
        `INSERT INTO webhook.received_events
           (id, tenant_id, provider, connection_id, dedup_key, provider_event_id, event_type, headers, raw_body)
         VALUES ($1, 'tenant-c', 'square', 'conn_crash', $2, $2, 'order.updated', '{}', $3)`,
        [id, eventId, Buffer.from(squareBody('order.updated', eventId))],
      );
      await stack.restartIngest();
      await eventually(
        async () => {
          const { rows } = await stack.sql.query<{ status: string }>(
            `SELECT status FROM webhook.received_events WHERE id = $1`,
            [id],
          );
          return rows[0]?.status === 'processed';
        },
        30_000,
        200,
      );
      expect((await canonicalEventCounts(stack.nats)).get(id)).toBe(1);
    } finally {
      stack.ingestEnv.WEBHOOK_REPUBLISH_AFTER_MS = republishAfter ?? '5000';
    }
  });
});
