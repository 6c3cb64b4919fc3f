#!/usr/bin/env node
// `npm test`: lint, module walls, typecheck, build, then every test tier (unit, integration, end-to-end) against real
// Postgres and nats-server brought up the same way `npm start` does. Ends with the plain line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, ensureDependencies, ensurePostgres, log, natsServerBinary, root } from './infra.mjs';

const started = Date.now();
const extraArgs = process.argv.slice(2);

function step(name, command, args, env = {}) {
  log(`${name}: ${command} ${args.join(' ')}`);
  const stepStarted = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  log(`${name}: ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
  return result.status === 0;
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
];
build();
natsServerBinary();
const postgres = await ensurePostgres('postgres');

const resultsDir = mkdtempSync(join(tmpdir(), 'shelflink-jest-'));
const resultsFile = join(resultsDir, 'results.json');
step('tests', bin('jest'), ['--maxWorkers=2', '--json', `--outputFile=${resultsFile}`, ...extraArgs], {
  NODE_OPTIONS: '--experimental-vm-modules --no-warnings',
  TEST_DATABASE_URL: postgres.serverUrl,
});
let results = { numPassedTests: 0, numFailedTests: 1 };
try {
  results = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch {
  log('tests: no results were written');
}
rmSync(resultsDir, { recursive: true, force: true });
// The proof harnesses in their smoke profiles: they must run, not meet speed targets (that is `npm run bench`).
const testEnv = { TEST_DATABASE_URL: postgres.serverUrl };
checks.push(step('bench (quick)', process.execPath, ['bench/run.mjs', '--quick'], testEnv));
checks.push(step('chaos (short)', process.execPath, ['chaos/run.mjs', '--short'], testEnv));
await postgres.stop();
const failedChecks = checks.filter((ok) => !ok).length;
finish(results.numPassedTests, results.numFailedTests + failedChecks);
