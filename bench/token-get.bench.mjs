// token-get: warm `auth.token.get.v1` (a real auth-service process, Postgres, the repo's nats.conf) beside the raw
// NATS request/reply echo measured in the same run. Target: ≥ 0.5× the echo's throughput, p99 < 5 ms. Then the same
// through @shelflink/client as a consumer service (its own NATS user and grants, auth.token.get.v1.<name>), the
// client's cache off so every call is a round trip: target ≥ 0.7× the echo, p99 at 1 in flight < 1 ms.
import { connect } from '@nats-io/transport-node';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { natsEchoFloor, measureRequests, summarize } from './floors/nats-echo.mjs';
import { cpuSeconds } from './lib/cpu-time.mjs';
import { createDatabase, postgresServer, root, serviceEnv, startNats, startService } from './lib/stack.mjs';
import { benchSettings, emit, round, row } from './lib/stats.mjs';

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
  // CPU seconds so far of each process a request goes through: on a busy machine CPU per request moves far less
  // than requests/s. The bench process is the requester (and the echo's responder).
  const cpu = () => {
    const own = process.cpuUsage();
    return {
      bench: (own.user + own.system) / 1e6,
      'auth-service': cpuSeconds(auth.child.pid),
      'nats-server': cpuSeconds(nats.pid),
    };
  };
  const requester = {
    user: 'sync-service',
    pass: nats.password('sync-service'),
    inboxPrefix: '_INBOX_sync_service',
    noAsyncTraces: true, // as sync-service connects (libs/messaging), and the echo floor
  };
  const admin = await connect({
    servers: nats.url,
    user: 'gateway',
    pass: nats.password('gateway'),
    inboxPrefix: '_INBOX_gateway',
  });
  const createConnection = async (alias) => {
    const created = (
      await admin.request(
        'auth.connection.create.v1',
        JSON.stringify({
          tenantId,
          provider: 'square',
          alias,
          credentials: { type: 'access-token', accessToken: `bench-${randomBytes(8).toString('hex')}` },
        }),
        { timeout: 10_000 },
      )
    ).json();
    if (!created.id)
      throw new Error(`could not create the bench connection: ${JSON.stringify(created.error ?? created)}`);
    return created.id;
  };
  const created = { id: await createConnection('bench') };
  // The client shares one request among concurrent calls for one connection: one connection per call in flight (and
  // as many again) keeps every measured call a round trip of its own.
  const consumerConnections = [];
  for (let i = 0; i < concurrency * 2; i += 1) consumerConnections.push(await createConnection(`bench-consumer-${i}`));
  await admin.close();

  const echo = await natsEchoFloor({
    servers: nats.url,
    responder: { user: 'auth-service', pass: nats.password('auth-service'), inboxPrefix: '_INBOX_auth_service' },
    requester: { user: 'gateway', pass: nats.password('gateway'), inboxPrefix: '_INBOX_gateway' },
    concurrency,
    durationMs,
    rounds,
    cpu,
  });

  const client = await connect({ servers: nats.url, ...requester });
  const body = JSON.stringify({ tenantId, connectionId: created.id });
  const ask = async () => {
    const reply = (await client.request('auth.token.get.v1', body, { timeout: 5_000 })).json();
    if (typeof reply.accessToken !== 'string') throw new Error('no token');
  };
  await ask();
  const results = [];
  for (let i = 0; i < rounds; i += 1) results.push(await measureRequests(ask, { concurrency, durationMs, cpu }));
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

  const consumer = await consumerClient({ nats, tenantId });
  let next = 0;
  const askFor = async (connectionId) => {
    const token = await consumer.getToken(tenantId, connectionId);
    if (typeof token.accessToken !== 'string') throw new Error('no token');
  };
  const askAsConsumer = () => askFor(consumerConnections[next++ % consumerConnections.length]);
  // One call at a time shares nothing: one connection, as in the raw row (200 each reload when the service cache ends).
  const askAsConsumerSerially = () => askFor(consumerConnections[0]);
  // Warm as the raw figure is warm: every connection once, so no round pays the first Postgres read and audit row.
  for (let i = 0; i < consumerConnections.length; i += 1) await askAsConsumer();
  const viaClient = [];
  for (let i = 0; i < rounds; i += 1)
    viaClient.push(await measureRequests(askAsConsumer, { concurrency, durationMs, cpu }));
  const viaClientSerial = [];
  for (let i = 0; i < rounds; i += 1)
    viaClientSerial.push(await measureRequests(askAsConsumerSerially, { concurrency: 1, durationMs }));
  await consumer.close();
  const consumerFigures = summarize(viaClient);
  const consumerSerial = summarize(viaClientSerial);
  const cpuLine = ({ cpuUsPerRequest }) =>
    Object.entries(cpuUsPerRequest)
      .map(([name, us]) => `${name} ${round(us, 1)}`)
      .join(', ');
  console.log(`CPU per request (µs), ${concurrency} in flight: echo floor: ${cpuLine(echo)}`);
  console.log(`CPU per request (µs), ${concurrency} in flight: auth.token.get.v1: ${cpuLine(token)}`);
  console.log(`CPU per request (µs), ${concurrency} in flight: consumer getToken: ${cpuLine(consumerFigures)}`);

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
      row({
        figure: `consumer service getToken via @shelflink/client, ${concurrency} in flight`,
        value: consumerFigures.requestsPerSecond,
        unit: 'req/s',
        floor: 'raw NATS request/reply echo',
        floorValue: echo.requestsPerSecond,
        target: '≥ 0.7× floor',
        check: (_value, ratio) => ratio >= 0.7,
      }),
      row({
        figure: 'consumer service getToken via @shelflink/client p50, 1 in flight',
        value: consumerSerial.p50Ms,
        unit: 'ms',
        floor: 'echo p50, 1 in flight',
        floorValue: echoSerial.p50Ms,
      }),
      row({
        figure: 'consumer service getToken via @shelflink/client p99, 1 in flight',
        value: consumerSerial.p99Ms,
        unit: 'ms',
        floor: 'echo p99, 1 in flight',
        floorValue: echoSerial.p99Ms,
        target: '< 1 ms',
        check: (value) => value < 1,
      }),
    ],
    { raw: { echo, token, echoSerial, tokenSerial, consumer: consumerFigures, consumerSerial } },
  );
  if (token.errors + tokenSerial.errors + consumerFigures.errors + consumerSerial.errors > 0) process.exitCode = 1;
} finally {
  await auth?.stop();
  await nats.dispose();
  await database.drop();
  await postgres.stop();
}

/**
 * A consumer service for the bench tenant, made as `shelflink services add` makes one (operator subject, bcrypt hash,
 * the generated NATS users and a reload), and its client with the token cache off.
 */
async function consumerClient({ nats, tenantId }) {
  const name = 'bench-consumer';
  const password = `p${randomBytes(24).toString('hex')}`;
  const operator = await connect({
    servers: nats.url,
    user: 'operator',
    pass: nats.password('operator'),
    inboxPrefix: '_INBOX_operator',
  });
  const added = (
    await operator.request(
      'auth.admin.services.add.v1',
      JSON.stringify({ name, tenants: [tenantId], passwordHash: await bcrypt.hash(password, 11) }),
      { timeout: 10_000 },
    )
  ).json();
  await operator.close();
  if (!added.passwordHash) throw new Error(`could not add the consumer service: ${JSON.stringify(added)}`);
  const dist = join(root, 'dist');
  const { applyNatsUsers, waitUntilAccepted } = await import(join(dist, 'apps/cli/src/nats-users.js'));
  const { ShelflinkClient } = await import(join(dist, 'packages/client/src/index.js'));
  const settings = { usersFile: nats.usersFile, pidFile: nats.pidFile, template: join(root, 'deploy/nats/users.conf') };
  applyNatsUsers({ ...settings, consumerUrl: nats.url }, [added]);
  const user = `svc-${name}`;
  if (!(await waitUntilAccepted(nats.url, user, password)))
    throw new Error('nats-server did not take the consumer user');
  const credentials = { service: name, natsUrl: nats.url, user, password, inboxPrefix: `_INBOX_svc_${name}` };
  return ShelflinkClient.connect(credentials, { staticTokenCacheMs: 0 });
}
