// Webhook kill -9 (T6 shape): unique signed Square events sent through the gateway by a sender that retries like a
// provider, half to the connection's URL and half to the app-level URL (routed by merchant_id through webhook-ingest's
// routing cache), while webhook-ingest and the gateway are killed -9 at seeded intervals and restarted. Each event is then
// classified from the sender's ledger and the inbox rows: ok (2xx and stored once), lost (2xx but not stored),
// unknown (never acknowledged), duplicated (stored more than once).
import { sleep } from '../../bench/lib/stack.mjs';
import { eventually, isReady } from '../lib/traffic.mjs';
import { classify, createSquareConnection, inboxRows, sendLikeProvider, squareEvents } from '../lib/webhooks.mjs';

export const name = 'webhook kill -9 (lost / duplicated)';

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
  // A merchant of this run alone, so the app-level route finds exactly this connection.
  const merchantId = `CHAOS${rng.hex(4).toUpperCase()}`;
  const connectionId = await createSquareConnection(system, canaries.apiKey, `chaos-${rng.hex(3)}`, merchantId);
  const perConnectionUrl = `${system.url('gateway')}/webhooks/square/${connectionId}`;
  const appUrl = `${system.url('gateway')}/webhooks/square`;
  const count = profile === 'short' ? 300 : 5_000;
  const prefix = `evt-${rng.hex(4)}`;
  const events = squareEvents(prefix, count, merchantId);
  const byRoute = {
    perConnection: events.filter((e) => e.index % 2 === 0),
    appLevel: events.filter((e) => e.index % 2),
  };
  let finished = false;
  const deadline = Date.now() + (profile === 'short' ? 45_000 : 420_000);
  const faulting = faults(system, rng, profile, () => finished);
  const send = (batch, url) =>
    sendLikeProvider(batch, url, canaries.webhookSecret, { deadline, intervalMs: 50, senders: 4 });
  await Promise.all([send(byRoute.perConnection, perConnectionUrl), send(byRoute.appLevel, appUrl)]);
  finished = true;
  const kills = await faulting;
  await eventually(() => isReady(system.url('gateway')), 30_000);
  const rows = await inboxRows(system, connectionId);
  const tally = classify(events, rows);
  const appTally = classify(byRoute.appLevel, rows);
  const attempts = events.reduce((sum, e) => sum + e.attempts, 0);
  const stored = rows.filter((r) => r.eventId.startsWith(prefix)).length;
  return {
    injected: `${count} unique signed Square events at 20/s through the gateway, half per connection and half app-level (2 × 4 senders retrying with backoff); ${kills.length} kill -9 + restarts (${summarize(kills)})`,
    requests: count,
    ok: tally.ok,
    lost: tally.lost,
    unknown: tally.unknown,
    duplicated: tally.duplicated,
    pass: tally.lost === 0 && tally.duplicated === 0 && kills.length > 0,
    details: [
      `${attempts} deliveries for ${count} events; ${stored} inbox rows; statuses seen: ${[...new Set(events.flatMap((e) => [...e.statuses]))].join(', ')}`,
      `ok ${tally.ok}, lost ${tally.lost}, unknown (never acknowledged before the deadline) ${tally.unknown}, duplicated ${tally.duplicated}`,
      `of which app-level (POST /webhooks/square): ok ${appTally.ok}, lost ${appTally.lost}, unknown ${appTally.unknown}, duplicated ${appTally.duplicated}`,
    ],
  };
}
