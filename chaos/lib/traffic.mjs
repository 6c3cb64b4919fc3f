// HTTP traffic for the tests: one request that records status, time and body (kept for the canary scan), and a
// bounded background load of concurrent requests that tallies outcomes.

// Every distinct response (headers and body) any test received, for the canary scan.
const captured = new Map();
export const capture = (source, text) => captured.set(text, source);
export const capturedBodies = () => [...captured].map(([text, source]) => ({ source, text }));

export async function request(url, init = {}, timeoutMs = 10_000) {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    const headers = [...response.headers].filter(
      ([name]) => !['date', 'x-request-id', 'content-length'].includes(name),
    );
    captured.set(`${JSON.stringify(headers)}\n${body}`, `HTTP ${init.method ?? 'GET'} ${new URL(url).pathname}`);
    return { status: response.status, ms: performance.now() - started, body };
  } catch (error) {
    const timedOut = error?.name === 'TimeoutError';
    return {
      status: timedOut ? 'timeout' : 'error',
      ms: performance.now() - started,
      body: String(error?.cause?.code ?? error?.message ?? error),
    };
  }
}

/**
 * Sends requests from `targets()` (a list of urls, re-read each time so a test can retarget) with `concurrency` in flight
 * until `stop()` is called. Returns `{ stop, inFlight }`; `stop()` resolves with `{ sent, ok, non2xx, failed, timeouts }`.
 */
export function backgroundLoad(targets, { concurrency = 8, pauseMs = 20, timeoutMs = 10_000 } = {}) {
  const tally = { sent: 0, ok: 0, non2xx: 0, failed: 0, timeouts: 0 };
  const inFlight = new Set();
  let running = true;
  const worker = async (index) => {
    while (running) {
      const urls = targets();
      const url = urls[(tally.sent + index) % urls.length];
      tally.sent += 1;
      const pending = request(url, {}, timeoutMs);
      inFlight.add(pending);
      const result = await pending;
      inFlight.delete(pending);
      if (typeof result.status === 'number') tally[result.status < 300 ? 'ok' : 'non2xx'] += 1;
      else tally[result.status === 'timeout' ? 'timeouts' : 'failed'] += 1;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const workers = Array.from({ length: concurrency }, (_, i) => worker(i));
  return {
    tally,
    /** The requests sent and not yet answered right now (promises of their results). */
    inFlight: () => [...inFlight],
    /** Stops sending; resolves once the requests in flight have ended. */
    async stop() {
      running = false;
      await Promise.all(workers);
      return { ...tally };
    },
  };
}

/** Polls until `probe()` is true; resolves with the time it took, or rejects after `timeoutMs`. */
export async function eventually(probe, timeoutMs = 30_000, intervalMs = 100) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await probe()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

export const isReady = async (url) => (await request(`${url}/health/ready`, {}, 3_000)).status === 200;

/**
 * The result of a test whose traffic has no durable effect (health, readiness): nothing can be lost or duplicated,
 * and whatever was not answered as required during the fault counts as unknown. `extra` adds checks made afterwards.
 */
export function loadOutcome({ injected, tally, pass, details, extra = { requests: 0, ok: 0 } }) {
  return {
    injected,
    requests: tally.sent + extra.requests,
    ok: tally.ok + extra.ok,
    lost: 0,
    unknown: tally.sent - tally.ok,
    duplicated: 0,
    pass,
    details,
  };
}
