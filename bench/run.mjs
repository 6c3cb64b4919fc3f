#!/usr/bin/env node
// `npm run bench [-- --quick] [--rounds N] [--only a,b] [--skip-build] [--strict]`: builds, brings up Postgres the way
// `npm start` does, runs every bench/*.bench.mjs and dist/bench/*.bench.js as a child process (one JSON result line
// each, see bench/README.md), then writes bench/RESULTS.md and bench/results/latest.json (--quick: bench/results/quick.*)
// and prints the table.
// Exit code: non-zero when a bench fails to produce its result (and, with --strict, when a target is missed).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { build, ensurePostgres, log, natsServerBinary, root } from '../scripts/infra.mjs';
import { cpuPlan } from './lib/cpus.mjs';
import { describeMachine } from './lib/machine.mjs';
import { writeReports } from './lib/report.mjs';
import { expectedBenches } from './lib/targets.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const benchDir = join(root, 'bench');
const timeoutMs = (args.quick ? 5 : 30) * 60_000;

/** bench/*.bench.mjs, then compiled dist/bench/*.bench.js whose name is not taken yet. */
function discover() {
  const found = new Map();
  const scan = (dir, suffix) => {
    if (!existsSync(dir)) return;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(suffix)) continue;
      const name = basename(file, suffix);
      if (!found.has(name)) found.set(name, join(dir, file));
    }
  };
  scan(benchDir, '.bench.mjs');
  scan(join(root, 'dist', 'bench'), '.bench.js');
  const only = args.only?.split(',').map((s) => s.trim());
  return [...found].filter(([name]) => !only || only.includes(name)).map(([name, path]) => ({ name, path }));
}

/** Runs one bench process; resolves with its parsed result line, or `{ error }`. */
function runBench({ name, path }, env, plan) {
  const argv = [...plan.server, process.execPath, path];
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.trim().startsWith('{')) last = line;
      else process.stdout.write(`[${name}] ${line}\n`);
    });
    createInterface({ input: child.stderr }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 1000);
      const parsed = parseResult(last);
      if (!parsed) return resolve({ bench: name, seconds, error: `no result line (exit ${signal ?? code})`, rows: [] });
      const failed =
        code !== 0
          ? `exited ${signal ?? code}${parsed.failures?.length ? `: ${parsed.failures.join('; ')}` : ''}`
          : undefined;
      resolve({ ...parsed, bench: parsed.bench ?? name, seconds, ...(failed ? { error: failed } : {}) });
    });
  });
}

function parseResult(line) {
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (Array.isArray(result.rows)) return result;
  if (!result || typeof result !== 'object') return undefined;
  // Not the agreed shape: keep its numeric figures visible rather than dropping them, and say so.
  const rows = Object.entries(result)
    .filter(([, value]) => typeof value === 'number')
    .map(([figure, value]) => ({
      figure,
      value,
      unit: '',
      floor: null,
      floorValue: null,
      ratio: null,
      target: null,
      met: null,
    }));
  return {
    bench: result.bench ?? result.name,
    rows,
    note: 'result line not in the agreed shape (bench/README.md); raw numbers shown',
  };
}

async function main() {
  if (!args['skip-build']) build();
  natsServerBinary();
  const postgres = await ensurePostgres('postgres');
  const plan = cpuPlan();
  const env = {
    BENCH_QUICK: args.quick ? '1' : '0',
    BENCH_ROUNDS: args.rounds ?? (args.quick ? '1' : '5'),
    TEST_DATABASE_URL: postgres.serverUrl,
    BENCH_SERVER_CPUS: plan.serverCpus,
    BENCH_LOADGEN_CPUS: plan.loadgenCpus,
  };
  const benches = discover();
  log(
    `bench: ${benches.length} benches (${benches.map((b) => b.name).join(', ')}); ${args.quick ? 'quick' : 'full'} mode; ${plan.note}`,
  );
  const results = [];
  for (const bench of benches) {
    log(`bench: ${bench.name} …`);
    const result = await runBench(bench, env, plan);
    log(`bench: ${bench.name} ${result.error ? `FAILED (${result.error})` : 'ok'} in ${result.seconds} s`);
    results.push(result);
  }
  const notes = notesFor(results, benches);
  const machine = await describeMachine(postgres.serverUrl);
  const { table, written } = writeReports({ benchDir, machine, cpuNote: plan.note, quick: args.quick, results, notes });
  await postgres.stop();
  process.stdout.write(`\n${table}\n\n`);
  for (const note of notes) process.stdout.write(`- ${note}\n`);
  const failed = results.filter((r) => r.error).length;
  const missed = results.flatMap((r) => r.rows).filter((r) => r.met === false).length;
  log(`bench: ${results.length - failed} ok, ${failed} failed, ${missed} targets missed; wrote ${written}`);
  process.exit(failed > 0 || (args.strict && missed > 0) ? 1 : 0);
}

/** Expected benches that did not run, and missed targets, so the report never implies what was not measured. */
function notesFor(results, benches) {
  const notes = [];
  const ran = new Set(benches.map((b) => b.name));
  for (const expected of expectedBenches) {
    if (!ran.has(expected.bench) && !args.only) {
      notes.push(
        `not measured: ${expected.bench} (${expected.owner}; no bench/${expected.bench}.bench.* yet). Targets: ${expected.targets.join('; ')}.`,
      );
    }
  }
  for (const result of results) {
    for (const r of result.rows.filter((x) => x.met === false))
      notes.push(`missed: ${result.bench} / ${r.figure} (target ${r.target}).`);
    if (result.note) notes.push(`${result.bench}: ${result.note}`);
  }
  if (args.quick) notes.push('quick mode: one short round per bench; it checks that the harness works, not the speed.');
  return notes;
}

await main();
