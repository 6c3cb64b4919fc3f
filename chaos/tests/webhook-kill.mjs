// Webhook kill -9 (T6 shape): unique signed Square events sent through the gateway by a sender that retries like a
// provider, while webhook-ingest and the gateway are killed -9 at seeded intervals and restarted. Each event is then
// classified from the sender's ledger and the inbox rows: ok (2xx and stored once), lost (2xx but not stored),
// unknown (never acknowledged), duplicated (stored more than once).
import { withClient } from '../../bench/lib/stack.mjs';
import { eventually, isReady } from '../lib/traffic.mjs';
import { createSquareConnection, sendSquareEvent, squareEvent } from '../lib/webhooks.mjs';

export const name = 'webhook kill -9 (lost / duplicated)';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every event until it gets a 2xx or the deadline passes, retrying with capped exponential backoff. */
async function send(events, url, secret, deadline, intervalMs) {
  const queue = [...events];
  const started = Date.now();
  const worker = async () => {
    for (let event = queue.shift(); event; event = queue.shift()) {
      // A steady rate (one new event every intervalMs), so the kills land in the middle of the traffic.
      await sleep(started + event.index * intervalMs - Date.now());
      for (let attempt = 0; Date.now() < deadline; attempt += 1) {
        event.attempts += 1;
        const r = await sendSquareEvent(url, secret, event.body);
        event.statuses.add(r.status);
        if (typeof r.status === 'number' && r.status >= 200 && r.status < 300) {
          event.acked = true;
          break;
        }
        await sleep(Math.min(100 * 2 ** attempt, 2_000));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function faults(system, rng, profile, done) {
  const kills = [];
  const targets = profile === 'short' ? ['webhook-ingest', 'gateway'] : ['webhook-ingest', 'gateway', 'webhook-ingest'];
  for (let i = 0; !done(); i += 1) {
    await sleep(profile === 'short' ? rng.int(1_000, 2_500) : rng.int(3_000, 7_000));
    if (done()) break;
    const target = targets[i % targets.length];
    await system.services[target].kill();
    kills.push(target);
    await system.start(target, { waitFor: false });
    await eventually(() => isReady(system.url(target)), 30_000);
  }
  return kills;
}

const summarize = (kills) =>
  [...new Set(kills)].map((name) => `${name} ×${kills.filter((k) => k === name).length}`).join(', ');

export async function run({ system, rng, profile, canaries }) {
  const connectionId = await createSquareConnection(system, canaries.apiKey, `chaos-${rng.hex(3)}`);
  const url = `${system.url('gateway')}/webhooks/square/${connectionId}`;
  const count = profile === 'short' ? 300 : 5_000;
  const prefix = `evt-${rng.hex(4)}`;
  const events = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    index: i,
    attempts: 0,
    acked: false,
    statuses: new Set(),
  }));
  for (const event of events) event.body = squareEvent(event.id);
  let finished = false;
  const deadline = Date.now() + (profile === 'short' ? 45_000 : 420_000);
  const faulting = faults(system, rng, profile, () => finished);
  await send(events, url, canaries.webhookSecret, deadline, 50);
  finished = true;
  const kills = await faulting;
  await eventually(() => isReady(system.url('gateway')), 30_000);
  const rows = await withClient(system.database.url, async (client) => {
    const { rows: found } = await client.query(
      `SELECT coalesce(provider_event_id, dedup_key) AS event_id, count(*)::int AS n, max(status) AS status
         FROM webhook.received_events WHERE connection_id = $1 GROUP BY 1`,
      [connectionId],
    );
    return new Map(found.map((r) => [r.event_id, r]));
  });
  const tally = { ok: 0, lost: 0, unknown: 0, duplicated: 0 };
  for (const event of events) {
    const row = rows.get(event.id);
    if (row && row.n > 1) tally.duplicated += 1;
    if (event.acked) tally[row ? 'ok' : 'lost'] += 1;
    else tally.unknown += 1;
  }
  const attempts = events.reduce((sum, e) => sum + e.attempts, 0);
  const stored = [...rows.values()].filter((r) => r.event_id.startsWith(prefix)).length;
  return {
    injected: `${count} unique signed Square events at 20/s through the gateway (8 senders retrying with backoff); ${kills.length} kill -9 + restarts (${summarize(kills)})`,
    requests: count,
    ok: tally.ok,
    lost: tally.lost,
    unknown: tally.unknown,
    duplicated: tally.duplicated,
    pass: tally.lost === 0 && tally.duplicated === 0 && kills.length > 0,
    details: [
      `${attempts} deliveries for ${count} events; ${stored} inbox rows; statuses seen: ${[...new Set(events.flatMap((e) => [...e.statuses]))].join(', ')}`,
      `ok ${tally.ok}, lost ${tally.lost}, unknown (never acknowledged before the deadline) ${tally.unknown}, duplicated ${tally.duplicated}`,
    ],
  };
}
