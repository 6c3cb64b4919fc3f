// The shared floors on their own, so the table states them even where no service bench uses them yet and a quick
// run checks the floor modules work: raw NATS request/reply, bare Fastify + HMAC + INSERT, batched upsert.
import { batchedUpsertFloor } from './floors/batched-upsert.mjs';
import { fastifyHmacInsertFloor } from './floors/fastify-hmac-insert.mjs';
import { natsEchoFloor } from './floors/nats-echo.mjs';
import { createDatabase, postgresServer, startNats } from './lib/stack.mjs';
import { benchSettings, emit, row } from './lib/stats.mjs';

const { quick, rounds } = benchSettings();
const postgres = await postgresServer();
const database = await createDatabase(postgres.serverUrl, { prefix: 'bench_floors' });
const nats = await startNats();
try {
  const echo = await natsEchoFloor({
    servers: nats.url,
    responder: { user: 'auth-service', pass: nats.password('auth-service'), inboxPrefix: '_INBOX_auth_service' },
    requester: { user: 'gateway', pass: nats.password('gateway'), inboxPrefix: '_INBOX_gateway' },
    durationMs: quick ? 1_000 : 5_000,
    rounds,
  });
  const http = await fastifyHmacInsertFloor({ databaseUrl: database.url, durationSeconds: quick ? 2 : 10, rounds });
  const upsert = await batchedUpsertFloor({ databaseUrl: database.url, rows: quick ? 5_000 : 100_000, rounds });
  const floor = (figure, value, unit) =>
    row({ figure, value, unit, target: 'floor (reference for the service benches)' });
  emit(
    'floors',
    [
      floor('raw NATS request/reply echo, 100 in flight', echo.requestsPerSecond, 'req/s'),
      floor('raw NATS request/reply echo p99', echo.p99Ms, 'ms'),
      floor('bare Fastify + HMAC-SHA256 + INSERT ON CONFLICT, 50 senders', http.acceptedPerSecond, 'req/s'),
      floor('bare Fastify + HMAC + INSERT p99', http.p99Ms, 'ms'),
      floor('batched multi-row INSERT ... ON CONFLICT (500/batch)', upsert.rowsPerSecond, 'rows/s'),
    ],
    { raw: { echo, http: { ...http, non2xx: http.non2xx }, upsert } },
  );
  if (echo.errors > 0 || http.non2xx > 0) process.exitCode = 1;
} finally {
  await nats.dispose();
  await database.drop();
  await postgres.stop();
}
