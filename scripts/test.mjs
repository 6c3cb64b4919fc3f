#!/usr/bin/env node
// `npm test`: lint, module walls, typecheck, build, then every test tier (unit, integration, end-to-end) against real
// Postgres and nats-server brought up the same way `npm start` does; a named part again on a second Node when
// TEST_NODE_22 names one (CI does), and an e2e subset again through pgbouncer in transaction mode. Ends with the plain
// line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, ensureDependencies, ensurePostgres, log, natsServerBinary, root } from './infra.mjs';
import { pgbouncerBinary } from './pgbouncer.mjs';

const started = Date.now();
const extraArgs = process.argv.slice(2);

function step(name, command, args, env = {}) {
  log(`${name}: ${command} ${args.join(' ')}`);
  const stepStarted = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  log(`${name}: ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
  return result.status === 0;
}

/** Jest on `node`: its passed and failed tests, a suite that could not run counting as one failure (none: one). */
function runJest(name, node, args, env) {
  const resultsDir = mkdtempSync(join(tmpdir(), 'shelflink-jest-'));
  const resultsFile = join(resultsDir, 'results.json');
  const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  step(name, node, [jest, '--maxWorkers=2', '--json', `--outputFile=${resultsFile}`, ...args], env);
  let results = { passed: 0, failed: 1 };
  try {
    const json = JSON.parse(readFileSync(resultsFile, 'utf8'));
    results = { passed: json.numPassedTests, failed: json.numFailedTests + json.numRuntimeErrorTestSuites };
    log(`${name}: ${results.passed} passed, ${results.failed} failed`);
    log(`${name}: slowest files: ${slowestFiles(json.testResults, 8)}`);
  } catch {
    log(`${name}: no results were written`);
  }
  rmSync(resultsDir, { recursive: true, force: true });
  return results;
}

/** The `count` longest-running test files, for whoever keeps CI's time down. */
function slowestFiles(testResults, count) {
  return testResults
    .map((file) => ({ name: file.name.replace(`${root}/`, ''), seconds: (file.endTime - file.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map((file) => `${file.name} ${file.seconds.toFixed(0)} s`)
    .join(', ');
}

function finish(passed, failed) {
  log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

ensureDependencies();
const bin = (name) => join(root, 'node_modules', '.bin', name);
const checks = [
  step('lint', bin('eslint'), ['.', '--max-warnings', '0']),
  step('module walls', bin('depcruise'), ['--config', '.dependency-cruiser.mjs', 'apps', 'libs', 'tools', 'test']),
  step('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']),
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']),
  step('typecheck (console)', bin('tsc'), ['-p', 'apps/console/tsconfig.json', '--noEmit']),
];
build();
natsServerBinary();
const postgres = await ensurePostgres('postgres');

const jestEnv = { NODE_OPTIONS: '--experimental-vm-modules --no-warnings', TEST_DATABASE_URL: postgres.serverUrl };
const results = [runJest('tests', process.execPath, extraArgs, jestEnv)];
// A second Node (CI sets TEST_NODE_22 to Node 22 LTS): the unit and int tiers and the two e2e suites that run all
// four services (spawned on that Node too), or the tests named on the command line.
const secondNode = process.env.TEST_NODE_22;
if (secondNode) {
  const version = spawnSync(secondNode, ['--version'], { encoding: 'utf8' }).stdout?.trim() || '(not runnable)';
  const named = ['\\.spec\\.ts$', '\\.int-spec\\.ts$', 'test/(foundation|webhook-fullstack)\\.e2e-spec\\.ts$'];
  const label = extraArgs.length ? extraArgs.join(' ') : 'unit, int, e2e foundation and webhook-fullstack';
  // The second Node proves the runtime, not volume: the NetSuite syncs run at a fifth of their size there (Plytix keeps
  // its size: its run must outlast a token).
  const lighterSizes = { NETSUITE_SYNC_ITEMS: '400', NETSUITE_SYNC_ORDERS: '300' };
  results.push(
    runJest(`tests on Node ${version} (${label})`, secondNode, extraArgs.length ? extraArgs : named, {
      ...lighterSizes,
      ...jestEnv,
    }),
  );
}
// The e2e subset that drives every repository, again with every service behind pgbouncer in transaction mode
// (docs/postgres-pooling.md says why these files); not when the command line names tests.
const pooledSubset = [
  'webhook-routing',
  'webhook-subscriptions',
  'consumer-services',
  'auth-refresh-race',
  'record-feed',
  'console',
  'alerts',
].map((name) => `test/${name}\\.e2e-spec\\.ts$`);
if (extraArgs.length === 0 && pgbouncerBinary()) {
  const pooledEnv = { ...jestEnv, TEST_PGBOUNCER: '1' };
  results.push(runJest('e2e through pgbouncer (transaction mode)', process.execPath, pooledSubset, pooledEnv));
} else if (extraArgs.length === 0) {
  log('e2e through pgbouncer: FAILED, pgbouncer is not installed (apt-get install pgbouncer; .ci/run does)');
  checks.push(false);
}
// The proof harnesses in their smoke profiles: they must run, not meet speed targets (that is `npm run bench`).
const testEnv = { TEST_DATABASE_URL: postgres.serverUrl };
checks.push(step('bench (quick)', process.execPath, ['bench/run.mjs', '--quick'], testEnv));
checks.push(step('chaos (short)', process.execPath, ['chaos/run.mjs', '--short'], testEnv));
// The example consumer service, installed from npm pack, passes its own test against the stack.
checks.push(step('example stock-watcher', process.execPath, ['scripts/example-test.mjs'], testEnv));
await postgres.stop();
const failedChecks = checks.filter((ok) => !ok).length;
finish(
  results.reduce((sum, run) => sum + run.passed, 0),
  results.reduce((sum, run) => sum + run.failed, failedChecks),
);
