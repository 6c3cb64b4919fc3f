// The record feed across a kill -9 of sync-service between its page commits and their publish (the fault hook
// SYNC_FAULT_PAUSE_BEFORE_PUBLISH_MS). Each round syncs a new Square merchant's orders from the sandbox with
// sync-service paused before every publish, kills it once its outbox holds committed changes, and restarts it without
// the hook. Must hold: every order row has exactly one envelope on the tenant's feed stream (lost = rows with none,
// duplicated = rows with more than one envelope id, or an envelope id stored twice), and the outbox drains to 0.
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withClient } from '../../bench/lib/stack.mjs';
import { withSandboxSystem } from '../lib/sandbox.mjs';
import { eventually, request } from '../lib/traffic.mjs';

export const name = 'feed: sync-service kill -9 between commit and publish';

const faultEnv = { SYNC_FAULT_PAUSE_BEFORE_PUBLISH_MS: '60000' };
const fastEnv = { SYNC_PAGE_SIZE: '100', SYNC_FEED_REPUBLISH_AFTER_MS: '1000', SYNC_FEED_RELAY_INTERVAL_MS: '200' };

export async function run({ serverUrl, distRoot, canaries, artifacts, profile, rng }) {
  const rounds = profile === 'short' ? 1 : 5;
  const orders = profile === 'short' ? 300 : 1000;
  const app = { provider: 'square', clientId: 'sandbox-square-client' };
  const env = { SYNC_LEASE_TTL_MS: '1500', SYNC_RUN_ACK_WAIT_MS: '2000', ...fastEnv };
  return withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app }, async ({ system, sandbox }) => {
    await system.start('auth-service');
    await system.start('gateway', { waitFor: 'live' });
    const admin = (path, body) =>
      request(`${system.url('gateway')}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${canaries.apiKey}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => ({ status: r.status, body: JSON.parse(r.body) }));
    const sql = (text, params) =>
      withClient(system.database.url, async (client) => (await client.query(text, params)).rows);
    const outbox = async () =>
      Number((await sql('SELECT coalesce(sum(cardinality(envelope_ids)), 0) AS n FROM sync.record_feed_outbox'))[0].n);
    const { mintSquareToken } = await import(pathToFileURL(join(distRoot, 'tools/sandbox/src/sandbox.js')).href);
    const squareApp = {
      ...app,
      clientSecret: canaries.clientSecret,
      redirectUris: [`${system.url('gateway')}/oauth/callback`],
    };
    const details = [];
    let killedPaused = 0;
    const connections = [];
    for (let round = 0; round < rounds; round += 1) {
      const merchant = `MCHAOSFEED${rng.hex(3).toUpperCase()}${round}`;
      await sandbox.admin('/accounts', { provider: 'square', account: merchant, locations: 1, products: 1, orders });
      const token = await mintSquareToken(sandbox.url, squareApp, merchant, 'ORDERS_READ');
      const created = await admin('/api/v1/connections', {
        provider: 'square',
        alias: `feed-${round}`,
        credentials: { type: 'access-token', accessToken: token },
        metadata: { merchantId: merchant },
      });
      if (created.status !== 201) throw new Error(`connection: ${created.status}`);
      const connectionId = created.body.id;
      connections.push(connectionId);
      await system.start('sync-service', { env: faultEnv });
      const started = await admin(`/api/v1/connections/${connectionId}/syncs`, { streams: ['orders'] });
      const runId = started.body.runs[0].id;
      const paused = await eventually(async () => (await outbox()) >= 100, 60_000).then(
        () => true,
        () => false,
      );
      if (paused && system.services['sync-service'].output().includes('fault hook')) killedPaused += 1;
      else {
        const state = (await admin(`/api/v1/sync-runs/${runId}`)).body;
        details.push(`round ${round}: not paused at the kill (outbox ${await outbox()}, run ${JSON.stringify(state)})`);
      }
      await system.services['sync-service'].kill();
      await system.start('sync-service');
      const finished = await eventually(
        async () => (await admin(`/api/v1/sync-runs/${runId}`)).body.status === 'succeeded',
        90_000,
      ).then(
        () => true,
        () => false,
      );
      if (!finished) details.push(`round ${round}: the run did not succeed after the restart`);
    }
    const drained = await eventually(async () => (await outbox()) === 0, 30_000).then(
      () => true,
      () => false,
    );

    // The oracle: order rows × the envelopes on the tenant's feed stream.
    const rows = await sql(
      'SELECT id::text AS id, source_version::text AS v FROM sync.orders WHERE connection_id = ANY($1::text[])',
      [connections],
    );
    const envelopes = await feedEnvelopes(system, 'RECORDS_FEED_chaos');
    const idsByKey = new Map();
    const storedIds = new Map();
    for (const envelope of envelopes) {
      storedIds.set(envelope.id, (storedIds.get(envelope.id) ?? 0) + 1);
      const key = `${envelope.payload.recordId}:${envelope.payload.sourceVersion}`;
      idsByKey.set(key, new Set([...(idsByKey.get(key) ?? []), envelope.id]));
    }
    const tally = { ok: 0, lost: 0, unknown: 0, duplicated: 0 };
    for (const row of rows) {
      const ids = idsByKey.get(`${row.id}:${row.v}`);
      if (!ids) tally.lost += 1;
      else if (ids.size > 1 || [...ids].some((id) => storedIds.get(id) > 1)) tally.duplicated += 1;
      else tally.ok += 1;
    }
    const pass =
      rows.length === rounds * orders &&
      tally.lost === 0 &&
      tally.duplicated === 0 &&
      killedPaused === rounds &&
      drained &&
      details.length === 0;
    return {
      injected: `${rounds} × kill -9 of sync-service paused between commit and publish, ${orders} orders each`,
      requests: rows.length,
      ...tally,
      pass,
      details: [
        ...details,
        `order rows ${rows.length} (expected ${rounds * orders}); envelopes on the stream ${envelopes.length}; killed while paused ${killedPaused}/${rounds}; outbox drained ${drained}`,
      ],
    };
  });
}

/** Every envelope on `stream`, read with an ordered consumer as sync-service (the user that owns the feed). */
async function feedEnvelopes(system, stream) {
  const connection = await connect({
    servers: system.nats.url,
    user: 'sync-service',
    pass: system.nats.password('sync-service'),
    inboxPrefix: '_INBOX_sync_service',
  });
  const envelopes = [];
  try {
    const messages = await (await jetstream(connection).consumers.get(stream)).consume();
    for await (const message of messages) {
      envelopes.push(message.json());
      if (message.info.pending === 0) break;
    }
  } finally {
    await connection.close();
  }
  return envelopes;
}
