// Floor for request/reply over NATS: a raw @nats-io/transport-node responder that echoes, and a raw requester with
// `concurrency` requests in flight. Whatever a NATS service adds on top is measured against this.
import { connect } from '@nats-io/transport-node';
import { median, percentile } from '../lib/stats.mjs';

/**
 * `servers` and the two users come from the caller (use the repo's nats.conf users so the floor pays the same
 * permission checks: responder `auth-service` on `auth.bench.echo`, requester `gateway`). Returns the medians over
 * `rounds`: `{ requestsPerSecond, p50Ms, p99Ms, rounds: [...] }`.
 */
export async function natsEchoFloor({
  servers,
  responder = {},
  requester = {},
  subject = 'auth.bench.echo',
  concurrency = 100,
  durationMs = 5_000,
  payloadBytes = 128,
  rounds = 3,
  cpu,
}) {
  // As the services connect (libs/messaging): no stack trace captured per request for a timeout that never comes.
  const server = await connect({ servers, noAsyncTraces: true, ...responder });
  const client = await connect({ servers, noAsyncTraces: true, ...requester });
  const subscription = server.subscribe(subject, {
    queue: 'bench-echo',
    callback: (_error, msg) => msg.respond(msg.data),
  });
  await server.flush();
  const payload = new Uint8Array(payloadBytes).fill(120);
  try {
    const results = [];
    for (let round = 0; round < rounds; round += 1) {
      results.push(
        await measureRequests(() => client.request(subject, payload, { timeout: 5_000 }), {
          concurrency,
          durationMs,
          cpu,
        }),
      );
    }
    return summarize(results);
  } finally {
    subscription.unsubscribe();
    await client.close();
    await server.close();
  }
}

/**
 * Calls `request()` with `concurrency` in flight for `durationMs` (after a short warm-up) and measures throughput and
 * latency. Reusable for the service benches (a token request instead of an echo). `cpu` (optional) returns the CPU
 * seconds so far of the processes involved, by name: the result's `cpuUsPerRequest` divides what the measured part
 * (not the warm-up) spent among its requests.
 */
export async function measureRequests(request, { concurrency = 100, durationMs = 5_000, warmupMs = 500, cpu }) {
  await runFor(request, concurrency, warmupMs, null);
  const latencies = [];
  const cpuBefore = cpu?.();
  const started = performance.now();
  const errors = await runFor(request, concurrency, durationMs, latencies);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpu?.();
  return {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    count: latencies.length,
    errors,
    ...(cpuBefore && {
      cpuUsPerRequest: Object.fromEntries(
        Object.entries(cpuAfter).map(([name, s]) => [name, ((s - cpuBefore[name]) * 1e6) / latencies.length]),
      ),
    }),
  };
}

async function runFor(request, concurrency, durationMs, latencies) {
  const deadline = performance.now() + durationMs;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await request();
        latencies?.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return errors;
}

export function summarize(results) {
  const cpuNames = Object.keys(results[0]?.cpuUsPerRequest ?? {});
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    ...(cpuNames.length > 0 && {
      cpuUsPerRequest: Object.fromEntries(
        cpuNames.map((name) => [name, median(results.map((r) => r.cpuUsPerRequest[name]))]),
      ),
    }),
    rounds: results,
  };
}
