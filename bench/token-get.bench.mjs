// token-get: warm `auth.token.get.v1` (a real auth-service process, Postgres, the repo's nats.conf) beside the raw
// NATS request/reply echo measured in the same run. Target: ≥ 0.5× the echo's throughput, p99 < 5 ms.
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { natsEchoFloor, measureRequests, summarize } from './floors/nats-echo.mjs';
import { createDatabase, postgresServer, serviceEnv, startNats, startService } from './lib/stack.mjs';
import { benchSettings, emit, row } from './lib/stats.mjs';

const { quick, rounds } = benchSettings();
const durationMs = quick ? 1_000 : 5_000;
const concurrency = 100;
const tenantId = 'bench-tenant';

const postgres = await postgresServer();
const database = await createDatabase(postgres.serverUrl, { prefix: 'bench_token', migrate: true });
const nats = await startNats();
let auth;
try {
  auth = await startService(
    'auth-service',
    serviceEnv('auth-service', {
      nats,
      databaseUrl: database.url,
      extra: {
        SHELFLINK_BOOTSTRAP_TENANT_ID: tenantId,
        SHELFLINK_BOOTSTRAP_API_KEY: `slk_${randomBytes(32).toString('base64url')}`,
      },
    }),
  );
  const requester = { user: 'sync-service', pass: nats.password('sync-service'), inboxPrefix: '_INBOX_sync_service' };
  const admin = await connect({
    servers: nats.url,
    user: 'gateway',
    pass: nats.password('gateway'),
    inboxPrefix: '_INBOX_gateway',
  });
  const created = (
    await admin.request(
      'auth.connection.create.v1',
      JSON.stringify({
        tenantId,
        provider: 'square',
        alias: 'bench',
        credentials: { type: 'access-token', accessToken: `bench-${randomBytes(8).toString('hex')}` },
      }),
      { timeout: 10_000 },
    )
  ).json();
  await admin.close();
  if (!created.id)
    throw new Error(`could not create the bench connection: ${JSON.stringify(created.error ?? created)}`);

  const echo = await natsEchoFloor({
    servers: nats.url,
    responder: { user: 'auth-service', pass: nats.password('auth-service'), inboxPrefix: '_INBOX_auth_service' },
    requester: { user: 'gateway', pass: nats.password('gateway'), inboxPrefix: '_INBOX_gateway' },
    concurrency,
    durationMs,
    rounds,
  });

  const client = await connect({ servers: nats.url, ...requester });
  const body = JSON.stringify({ tenantId, connectionId: created.id });
  const ask = async () => {
    const reply = (await client.request('auth.token.get.v1', body, { timeout: 5_000 })).json();
    if (typeof reply.accessToken !== 'string') throw new Error('no token');
  };
  await ask();
  const results = [];
  for (let i = 0; i < rounds; i += 1) results.push(await measureRequests(ask, { concurrency, durationMs }));
  // Latency without queueing: one request in flight (with 100 in flight p99 is the queue, the echo's included).
  const serial = [];
  for (let i = 0; i < rounds; i += 1) serial.push(await measureRequests(ask, { concurrency: 1, durationMs }));
  await client.close();
  const token = summarize(results);
  const tokenSerial = summarize(serial);
  const echoSerial = await natsEchoFloor({
    servers: nats.url,
    responder: { user: 'auth-service', pass: nats.password('auth-service'), inboxPrefix: '_INBOX_auth_service' },
    requester: { user: 'gateway', pass: nats.password('gateway'), inboxPrefix: '_INBOX_gateway' },
    concurrency: 1,
    durationMs,
    rounds,
  });

  emit(
    'token-get',
    [
      row({
        figure: `warm auth.token.get.v1, ${concurrency} in flight`,
        value: token.requestsPerSecond,
        unit: 'req/s',
        floor: 'raw NATS request/reply echo',
        floorValue: echo.requestsPerSecond,
        target: '≥ 0.5× floor',
        check: (_value, ratio) => ratio >= 0.5,
      }),
      row({
        figure: `warm auth.token.get.v1 p50, ${concurrency} in flight`,
        value: token.p50Ms,
        unit: 'ms',
        floor: 'echo p50',
        floorValue: echo.p50Ms,
      }),
      row({
        figure: `warm auth.token.get.v1 p99, ${concurrency} in flight`,
        value: token.p99Ms,
        unit: 'ms',
        floor: 'echo p99',
        floorValue: echo.p99Ms,
      }),
      row({
        figure: 'warm auth.token.get.v1 p50, 1 in flight',
        value: tokenSerial.p50Ms,
        unit: 'ms',
        floor: 'echo p50, 1 in flight',
        floorValue: echoSerial.p50Ms,
      }),
      row({
        figure: 'warm auth.token.get.v1 p99, 1 in flight',
        value: tokenSerial.p99Ms,
        unit: 'ms',
        floor: 'echo p99, 1 in flight',
        floorValue: echoSerial.p99Ms,
        target: '< 5 ms',
        check: (value) => value < 5,
      }),
    ],
    { raw: { echo, token, echoSerial, tokenSerial } },
  );
  if (token.errors + tokenSerial.errors > 0) process.exitCode = 1;
} finally {
  await auth?.stop();
  await nats.dispose();
  await database.drop();
  await postgres.stop();
}
