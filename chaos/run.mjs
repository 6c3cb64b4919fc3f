#!/usr/bin/env node
// `npm run chaos [-- --short] [--seed N] [--only a,b] [--skip-build]`: the fault plan of RELIABILITY.md as one bounded,
// seeded suite over the built services as processes. Writes chaos/REPORT.md (--short: chaos/artifacts/REPORT.short.md);
// exits non-zero when a check fails.
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, natsServerBinary, root } from '../scripts/infra.mjs';
import { postgresServer, prepareBuild } from '../bench/lib/stack.mjs';
import { canaryNeedles, makeCanaries, scanForCanaries } from './lib/canary.mjs';
import { writeChaosReport } from './lib/report.mjs';
import { createRng } from './lib/rng.mjs';
import { startSystem } from './lib/system.mjs';
import { capturedBodies } from './lib/traffic.mjs';
import * as busAuthorization from './tests/bus-authorization.mjs';
import * as clockSkew from './tests/clock-skew.mjs';
import * as crossTenant from './tests/cross-tenant.mjs';
import * as feedKill from './tests/feed-kill.mjs';
import * as hostileInput from './tests/hostile-input.mjs';
import * as killNats from './tests/kill-nats.mjs';
import * as natsNodeLoss from './tests/nats-node-loss.mjs';
import * as killServices from './tests/kill-services.mjs';
import * as lockHygiene from './tests/lock-hygiene.mjs';
import * as overload from './tests/overload.mjs';
import * as pgCrash from './tests/pg-crash.mjs';
import * as pgTerminate from './tests/pg-terminate.mjs';
import * as pgbouncerRestart from './tests/pgbouncer-restart.mjs';
import * as refreshCrashWindow from './tests/refresh-crash-window.mjs';
import * as sigterm from './tests/sigterm.mjs';
import * as tokenExpirySkew from './tests/token-expiry-skew.mjs';
import * as tokenSingleFlight from './tests/token-single-flight.mjs';
import * as webhookKill from './tests/webhook-kill.mjs';
import * as workerAckKill from './tests/worker-ack-kill.mjs';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seed: { type: 'string' },
    only: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    // Another build's dist/ (for example of an older commit) instead of building this tree.
    dist: { type: 'string' },
  },
});
const profile = args.short ? 'short' : 'full';
const seed = args.seed !== undefined ? Number(args.seed) : randomInt(1, 2 ** 31);
const budgetMs = (profile === 'short' ? 8 : 30) * 60_000;
const tests = [
  hostileInput,
  busAuthorization,
  crossTenant,
  webhookKill,
  workerAckKill,
  feedKill,
  tokenSingleFlight,
  refreshCrashWindow,
  lockHygiene,
  killServices,
  killNats,
  natsNodeLoss,
  pgTerminate,
  pgCrash,
  pgbouncerRestart,
  sigterm,
  overload,
  clockSkew,
  tokenExpirySkew,
];

// What the plan asks for that other suites cover, or that this suite does not do yet (kept honest in the report).
const covered = [
  'T1 signature conformance (every scheme, rotation, malformed and odd-length signatures, processes alive): test/webhook-signatures.e2e-spec.ts.',
  'T4 duplicate storm (50 concurrent deliveries, retry with a new timestamp) and T10 poison message / dead letter among 999 good ones: test/webhook-processing.e2e-spec.ts.',
  'T12 single-flight refresh with the no-long-transaction check: test/auth-refresh-race.e2e-spec.ts (this suite repeats the ledger/token part).',
  'T13 also in test/auth-oauth.e2e-spec.ts: invalid_grant → NEEDS_REAUTH with an audit row, OAuth state replay/expiry/missing PKCE (this suite kills auth-service inside the refresh window itself).',
  'T15 vault crypto (AAD swap, rotation killed with kill -9 and resumed): test/auth-vault.e2e-spec.ts and libs/crypto unit tests.',
  'T21 paginated sync crash/resume (five kill -9 at random pages): test/sync-crash.e2e-spec.ts.',
  "T2/T3 raw-body and header-parser property tests, T11 out-of-order events, T18–T20 rate limits, backoff and breaker: the services' unit and integration tests, where written.",
  'Recorded, not asserted: T24 event-loop delay and auth.token.get.v1 p99 under overload (the plan asks < 200 ms; on this shared 2-core box saturated by stress-ng it is not reliably true); T22 with replicas on different clocks (token expiry is compared with the local clock).',
];

async function main() {
  const started = Date.now();
  log(`chaos: ${profile} profile, seed ${seed} (reproduce with --seed ${seed})`);
  const watchdog = setTimeout(() => {
    log(`chaos: exceeded the ${budgetMs / 60_000} min budget; aborting`);
    process.exit(2);
  }, budgetMs);
  watchdog.unref();
  natsServerBinary();
  const build = prepareBuild({ skipBuild: args['skip-build'], tag: 'chaos', from: args.dist });
  const postgres = await postgresServer();
  const rng = createRng(seed);
  const canaries = makeCanaries(rng);
  const only = args.only?.split(',').map((s) => s.trim());
  const results = [];
  // Outputs of processes tests start on their own (a second system), added to the canary scan.
  const artifacts = [];
  let system;
  try {
    system = await startSystem({ serverUrl: postgres.serverUrl, distRoot: build.distRoot, canaries });
    await system.startAll();
    log(`chaos: system up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const test of tests) {
      if (only && !only.some((o) => test.name.toLowerCase().includes(o.toLowerCase()))) continue;
      const testStarted = Date.now();
      log(`chaos: ${test.name} …`);
      let result;
      try {
        result = await test.run({
          system,
          rng: createRng(seed ^ hash(test.name)),
          profile,
          canaries,
          serverUrl: postgres.serverUrl,
          distRoot: build.distRoot,
          artifacts,
        });
      } catch (error) {
        result = {
          injected: '(the test itself failed)',
          requests: 0,
          ok: 0,
          lost: 0,
          unknown: 0,
          duplicated: 0,
          pass: false,
          details: [String(error?.stack ?? error)],
        };
      }
      result = { name: test.name, seconds: Math.round((Date.now() - testStarted) / 1000), ...result };
      results.push(result);
      log(
        `chaos: ${test.name}: ${result.skipped ? `not run (${result.skipped})` : result.pass ? 'pass' : 'FAIL'} in ${result.seconds} s`,
      );
      for (const detail of result.details ?? []) log(`         ${detail}`);
      if (!result.pass && !result.skipped) for (const line of deadServices(system)) log(`         ${line}`);
    }
  } catch (error) {
    results.push({
      name: 'system start',
      injected: '—',
      requests: 0,
      ok: 0,
      lost: 0,
      unknown: 0,
      duplicated: 0,
      pass: false,
      details: [String(error?.message ?? error)],
    });
    log(`chaos: could not start the system: ${error?.message ?? error}`);
  } finally {
    if (system) artifacts.push(...system.dumps());
    await system?.stop().catch(() => {});
  }
  const everything = [...(system?.outputs() ?? []), ...artifacts, ...capturedBodies()];
  const canary = scanCanaries(everything, canaries);
  const seconds = Math.round((Date.now() - started) / 1000);
  const machine = `${cpus()[0]?.model?.trim() ?? 'cpu'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`;
  // The short profile (inside npm test) reports to the git-ignored artifacts folder; the full run owns REPORT.md.
  const reportPath = profile === 'short' ? join('chaos', 'artifacts', 'REPORT.short.md') : join('chaos', 'REPORT.md');
  mkdirSync(join(root, 'chaos', 'artifacts'), { recursive: true });
  writeChaosReport(join(root, reportPath), {
    seed,
    profile,
    startedAt: new Date(started).toISOString(),
    seconds,
    results,
    canary,
    machine,
    covered,
  });
  build.dispose();
  await postgres.stop();
  const failed = results.filter((r) => !r.skipped && !r.pass).length + (canary.hits.length ? 1 : 0);
  if (failed > 0) keepArtifacts(seed, everything.slice(0, -capturedBodies().length || undefined));
  const lost = results.reduce((sum, r) => sum + (r.lost ?? 0), 0);
  const duplicated = results.reduce((sum, r) => sum + (r.duplicated ?? 0), 0);
  const crossTenant = results.reduce((sum, r) => sum + (r.crossTenantReads ?? 0), 0);
  log(
    `chaos: ${results.filter((r) => r.pass).length} passed, ${failed} failed, ${results.filter((r) => r.skipped).length} not run; lost ${lost}, duplicated ${duplicated}, cross-tenant reads ${crossTenant}, leaked canaries ${canary.hits.length}; seed ${seed}; ${seconds} s; wrote ${reportPath}`,
  );
  process.exit(failed === 0 ? 0 : 1);
}

function scanCanaries(artifacts, canaries) {
  const needles = canaryNeedles(canaries);
  const hits = scanForCanaries(artifacts, needles);
  for (const hit of hits) log(`chaos: LEAK ${hit.canary} (${hit.form}) in ${hit.source}`);
  return {
    needles: needles.length,
    canaries: Object.keys(canaries).length - 1,
    artifacts: artifacts.length,
    hits,
    leakedSources: new Set(hits.map((h) => h.source)).size,
    callLog: artifacts.filter((a) => a.source.startsWith('call log ')).map((a) => a.source.slice('call log '.length)),
  };
}

/** On failure, every process output and dump goes to chaos/artifacts/<seed>/ (git-ignored) for the post-mortem. */
function keepArtifacts(seed, items) {
  const dir = join(root, 'chaos', 'artifacts', String(seed));
  mkdirSync(dir, { recursive: true });
  items.forEach((item, i) =>
    writeFileSync(
      join(dir, `${String(i).padStart(2, '0')}-${item.source.replace(/[^\w.#-]+/g, '_').slice(0, 80)}.log`),
      item.text,
    ),
  );
  log(`chaos: outputs kept in chaos/artifacts/${seed}/`);
}

/** Each service process that has exited, with its warnings and last lines: CI keeps only what is printed. */
function deadServices(system) {
  const lines = [];
  for (const [name, service] of Object.entries(system.services)) {
    if (service.alive()) continue;
    const output = service.output().trimEnd().split('\n');
    const warnings = output.filter((line) => /"level":\s*(40|50|60)\b/.test(line)).slice(-10);
    lines.push(`${name} exited (${service.child.exitCode ?? service.child.signalCode}); its last warnings and lines:`);
    for (const line of [...warnings, '…', ...output.slice(-10)]) lines.push(`  ${line.slice(0, 400)}`);
  }
  return lines;
}

function hash(text) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

await main();
