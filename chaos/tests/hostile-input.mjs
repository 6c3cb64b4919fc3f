// (5) Hostile HTTP input against the gateway: oversize, deeply nested and prototype-polluting JSON, invalid UTF-8, a
// gzip bomb, huge headers, on the webhook route and on an admin route (bad key and valid key). Every answer must be
// 4xx, quickly, and the gateway (and webhook-ingest behind it) must stay alive with /health/live answering.
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { capture } from '../lib/traffic.mjs';
import { createSquareConnection, squareSignature } from '../lib/webhooks.mjs';

export const name = 'hostile HTTP input';

function cases() {
  const json = { 'content-type': 'application/json' };
  return [
    { case: '10 MB body', headers: json, body: Buffer.alloc(10 * 2 ** 20, 0x20), expect: [413] },
    { case: '100k-deep nested JSON', headers: json, body: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) },
    {
      case: 'deep nested objects',
      headers: json,
      body: Buffer.from(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`),
    },
    {
      case: '__proto__ / constructor keys',
      headers: json,
      body: Buffer.from(
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"provider":"square"}',
      ),
    },
    {
      case: 'invalid UTF-8',
      headers: json,
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
    },
    {
      case: 'gzip bomb (64 MB of zeros)',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(64 * 2 ** 20)),
    },
    {
      case: 'huge header (64 KB)',
      headers: { ...json, 'x-filler': 'a'.repeat(64 * 1024) },
      body: Buffer.from('{}'),
      expect: [431],
    },
    {
      case: '10k headers',
      headers: { ...json, ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x-h${i}`, 'v'])) },
      body: Buffer.from('{}'),
      expect: [431],
    },
  ];
}

/** Raw node:http so an early 413 is still read even when the server stops reading the body. */
function send(url, { method = 'POST', headers, body }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = httpRequest(
      url,
      { method, headers: { ...headers, 'content-length': body.length }, timeout: 10_000 },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          capture(`HTTP ${method} ${new URL(url).pathname} (hostile)`, text);
          resolve({ status: res.statusCode, ms: performance.now() - started, body: text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      resolve({
        status: error.message === 'timeout' ? 'timeout' : `closed (${error.code ?? error.message})`,
        ms: performance.now() - started,
      }),
    );
    req.end(body);
  });
}

export async function run({ system, canaries }) {
  const gateway = system.url('gateway');
  const routes = [
    { label: 'webhook', url: `${gateway}/webhooks/square/${randomUUID()}`, headers: {} },
    { label: 'admin, bad key', url: `${gateway}/api/v1/connections`, headers: { authorization: 'Bearer slk_bad' } },
    {
      label: 'admin, valid key',
      url: `${gateway}/api/v1/connections`,
      headers: { authorization: `Bearer ${canaries.apiKey}` },
    },
  ];
  // A known connection with bodies validly signed: the hostile bytes reach verification, storage and parsing. Here a
  // 2xx is allowed (the raw bytes are stored as received); a 5xx or a crash is not.
  const connectionId = await createSquareConnection(system, canaries.apiKey, 'hostile').catch(() => undefined);
  if (connectionId) {
    const url = `${gateway}/webhooks/square/${connectionId}`;
    routes.push({
      label: 'webhook, known connection, validly signed',
      url,
      sign: (body) => squareSignature(url, canaries.webhookSecret, body),
      allow2xx: true,
    });
  }
  const details = [];
  let answered4xx = 0;
  let bad = 0;
  let maxMs = 0;
  let sent = 0;
  for (const route of routes) {
    for (const c of cases()) {
      sent += 1;
      const signature = route.sign ? { 'x-square-hmacsha256-signature': route.sign(c.body) } : {};
      const result = await send(route.url, { headers: { ...c.headers, ...route.headers, ...signature }, body: c.body });
      maxMs = Math.max(maxMs, result.ms);
      const lowest = route.allow2xx ? 200 : 400;
      const is4xx = typeof result.status === 'number' && result.status >= lowest && result.status < 500;
      // A server may close the connection after answering 413/431 before the client finished writing: refused, not served.
      const refusedByClose = typeof result.status === 'string' && result.status.startsWith('closed') && c.expect;
      if (is4xx || refusedByClose) answered4xx += 1;
      else bad += 1;
      const slow = result.ms > 100 ? ' (over 100 ms)' : '';
      details.push(
        `${route.label} / ${c.case}: ${result.status} in ${Math.round(result.ms)} ms${slow}${is4xx || refusedByClose ? '' : route.allow2xx ? ' ← 5xx or no answer' : ' ← NOT 4xx'}`,
      );
      if (!system.services.gateway.alive()) break;
    }
  }
  const alive = ['gateway', 'webhook-ingest', 'auth-service'].filter((s) => system.services[s].alive());
  const live = await send(`${gateway}/health/live`, { method: 'GET', headers: {}, body: Buffer.alloc(0) });
  const pass = bad === 0 && alive.length === 3 && live.status === 200 && maxMs < 2_000;
  details.push(`after: ${alive.join(', ')} alive; gateway /health/live → ${live.status} ${live.body ?? ''}`);
  return {
    injected: `${cases().length} hostile requests × ${routes.length} routes (${routes.map((r) => r.label).join('; ')})`,
    requests: sent,
    ok: answered4xx,
    lost: 0,
    unknown: 0,
    duplicated: 0,
    pass,
    details: [
      `${answered4xx}/${sent} answered 4xx (2xx also allowed on the validly signed route; a close after an early 413/431 counts as refused); slowest ${Math.round(maxMs)} ms`,
      ...details,
    ],
  };
}
