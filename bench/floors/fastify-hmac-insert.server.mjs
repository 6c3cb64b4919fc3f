// The floor's server process: bare Fastify, raw body, HMAC-SHA256 verify, one INSERT ... ON CONFLICT DO NOTHING per
// request through a pool of 10, then 202. Prints {"port"} once listening. Env: DATABASE_URL, SECRET, SCHEMA.
import Fastify from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import pg from 'pg';

const { DATABASE_URL, SECRET = 'bench-secret', SCHEMA = 'bench_floor' } = process.env;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, application_name: 'bench-floor' });
await pool.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
await pool.query(
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.webhook_floor (id bigserial PRIMARY KEY, dedup_key text NOT NULL UNIQUE,
    raw_body bytea NOT NULL, headers jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`,
);
const insert = `INSERT INTO ${SCHEMA}.webhook_floor (dedup_key, raw_body, headers) VALUES ($1, $2, $3) ON CONFLICT (dedup_key) DO NOTHING`;

const app = Fastify({ bodyLimit: 1_048_576 });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhook', async (request, reply) => {
  const body = request.body;
  const given = Buffer.from(String(request.headers['x-signature'] ?? ''), 'base64');
  const expected = createHmac('sha256', SECRET).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return reply.code(401).send({ error: 'signature' });
  const event = JSON.parse(body.toString('utf8'));
  await pool.query(insert, [
    String(event.id),
    body,
    JSON.stringify({ 'content-type': request.headers['content-type'] }),
  ]);
  return reply.code(202).send({ status: 'accepted' });
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'])
  process.once(
    signal,
    () =>
      void app
        .close()
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
