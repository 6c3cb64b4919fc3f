// Postgres crash (T9): a second copy of the system on a private Postgres cluster, `pg_ctl stop -m immediate` for a
// seeded 5–10 s under webhook traffic, then a restart. While the database is down no webhook may get a 2xx and a token
// request must fail fast; afterwards readiness heals without restarting anything and every acknowledged event is
// stored exactly once.
import { serviceNames, withClient } from '../../bench/lib/stack.mjs';
import { startPrivatePostgres } from '../lib/private-postgres.mjs';
import { startSystem } from '../lib/system.mjs';
import { eventually, isReady } from '../lib/traffic.mjs';
import { createSquareConnection, sendSquareEvent, squareEvent } from '../lib/webhooks.mjs';
import { connect } from '@nats-io/transport-node';

export const name = 'Postgres crash (pg_ctl stop -m immediate)';

const dbServices = ['auth-service', 'webhook-ingest', 'sync-service'];

async function timedTokenRequest(system) {
  const nc = await connect({
    servers: system.nats.url,
    user: 'sync-service',
    pass: system.nats.password('sync-service'),
    inboxPrefix: '_INBOX_sync_service',
  });
  const started = performance.now();
  try {
    const reply = await nc.request(
      'auth.token.get.v1',
      JSON.stringify({ tenantId: 'chaos', connectionId: 'missing' }),
      { timeout: 10_000 },
    );
    return { ms: performance.now() - started, answer: reply.json().error?.code ?? 'a token' };
  } catch (error) {
    return { ms: performance.now() - started, answer: String(error?.message ?? error).slice(0, 60) };
  } finally {
    await nc.close();
  }
}

/** The sender retries what was refused, as a provider would; returns the retried events. */
async function retryRefused(events, url, secret) {
  const retried = events.filter((e) => !e.acked);
  for (const event of retried) {
    for (let attempt = 0; attempt < 10 && !event.acked; attempt += 1) {
      const r = await sendSquareEvent(url, secret, event.body);
      event.acked = typeof r.status === 'number' && r.status < 300;
      if (!event.acked) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return retried;
}

/** Inbox rows per provider event id for one connection. */
function inboxCounts(system, connectionId) {
  return withClient(system.database.url, async (client) => {
    const { rows } = await client.query(
      `SELECT coalesce(provider_event_id, dedup_key) AS id, count(*)::int AS n FROM webhook.received_events
        WHERE connection_id = $1 GROUP BY 1`,
      [connectionId],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  });
}

export async function run({ rng, profile, canaries, distRoot, artifacts }) {
  const postgres = await startPrivatePostgres();
  if (!postgres.serverUrl) return { skipped: postgres.why, injected: 'pg_ctl stop -m immediate' };
  let system;
  try {
    system = await startSystem({ serverUrl: postgres.serverUrl, distRoot, canaries });
    await system.startAll();
    const connectionId = await createSquareConnection(system, canaries.apiKey, `crash-${rng.hex(3)}`);
    const url = `${system.url('gateway')}/webhooks/square/${connectionId}`;
    const events = [];
    const sendOne = async (phase) => {
      const event = { id: `crash-${rng.hex(6)}`, phase };
      event.body = squareEvent(event.id);
      const r = await sendSquareEvent(url, canaries.webhookSecret, event.body);
      event.status = r.status;
      event.acked = typeof r.status === 'number' && r.status < 300;
      events.push(event);
      return event;
    };
    for (let i = 0; i < 20; i += 1) await sendOne('before');
    const pids = Object.fromEntries(serviceNames.map((s) => [s, system.services[s].child.pid]));
    const downMs = profile === 'short' ? rng.int(3_000, 5_000) : rng.int(8_000, 12_000);
    postgres.crash();
    const crashedAt = Date.now();
    const token = await timedTokenRequest(system);
    while (Date.now() - crashedAt < downMs) {
      await sendOne('down');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    postgres.start();
    const healed = {};
    for (const service of dbServices)
      healed[service] = await eventually(() => isReady(system.url(service)), 30_000).then(
        (ms) => Math.round(ms),
        () => undefined,
      );
    const retried = await retryRefused(events, url, canaries.webhookSecret);
    const rows = await inboxCounts(system, connectionId);
    const ackedWhileDown = events.filter(
      (e) => e.phase === 'down' && typeof e.status === 'number' && e.status < 300,
    ).length;
    const lost = events.filter((e) => e.acked && !rows.has(e.id)).length;
    const duplicated = [...rows.values()].filter((n) => n > 1).length;
    const unknown = events.filter((e) => !e.acked).length;
    const restarted = serviceNames.filter(
      (s) => system.services[s].child.pid !== pids[s] || !system.services[s].alive(),
    );
    const downStatuses = [...new Set(events.filter((e) => e.phase === 'down').map((e) => e.status))].join(', ');
    const allHealed = dbServices.every((s) => healed[s] !== undefined);
    const pass =
      ackedWhileDown === 0 && lost === 0 && duplicated === 0 && allHealed && restarted.length === 0 && token.ms < 2_000;
    return {
      injected: `pg_ctl stop -m immediate of a private cluster for ${(downMs / 1000).toFixed(1)} s under webhook traffic, then start`,
      requests: events.length,
      ok: events.filter((e) => e.acked).length,
      lost,
      unknown,
      duplicated,
      pass,
      details: [
        `while down: ${events.filter((e) => e.phase === 'down').length} webhooks answered ${downStatuses} (2xx while down: ${ackedWhileDown}); token request answered ${token.answer} in ${Math.round(token.ms)} ms`,
        `readiness after restart: ${dbServices.map((s) => `${s} ${healed[s] === undefined ? 'NOT healed in 30 s' : `${healed[s]} ms`}`).join(', ')}; processes restarted: ${restarted.length ? restarted.join(', ') : 'none'}`,
        `${retried.length} refused events retried afterwards; ${rows.size} inbox rows; lost ${lost}, duplicated ${duplicated}`,
      ],
    };
  } finally {
    if (system) {
      artifacts.push(...system.outputs(), ...system.dumps());
      await system.stop().catch(() => {});
    }
    postgres.dispose();
  }
}
