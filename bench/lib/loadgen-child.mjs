// The load-generator process: runs autocannon with the options given as one JSON argument, prints one JSON summary.
import autocannon from 'autocannon';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const options = JSON.parse(process.argv[2] ?? '{}');
const { requestModule, requestOptions, ...rest } = options;
if (requestModule) {
  const module = await import(requestModule);
  rest.requests = await module.makeRequests(requestOptions ?? {});
}
const instance = autocannon({ connections: 50, duration: 5, ...rest });
// For diagnosis, not for RESULTS.md: BENCH_LATENCY_TRACE=<dir> writes each response's end time and latency (ms).
const traceDir = process.env.BENCH_LATENCY_TRACE;
const trace = [];
if (traceDir)
  instance.on('response', (_client, status, _bytes, latency) =>
    trace.push(`${performance.now()} ${latency} ${status}`),
  );
const result = await instance;
if (traceDir) writeFileSync(join(traceDir, `latency-${Date.now()}.txt`), `${trace.join('\n')}\n`);
const statusCodes = result.statusCodeStats ?? {};
const summary = {
  requests: result.requests.total,
  requestsPerSecond: result.requests.total / (result.duration || 1),
  p50Ms: result.latency.p50,
  p90Ms: result.latency.p90,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(Object.entries(statusCodes).map(([code, stat]) => [code, stat.count])),
  durationSeconds: result.duration,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
