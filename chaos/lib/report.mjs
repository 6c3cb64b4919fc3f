// Renders chaos/REPORT.md: the seed, per test what was injected, the counts and pass/fail, the canary scan, and what
// this rig cannot prove.
import { writeFileSync } from 'node:fs';

const limits = [
  'Power loss or an OS crash: kill -9 leaves the page cache intact, so fsync gaps (JetStream without `sync_interval: always`, which Debian nats-server 2.9.10 cannot set) are not exercised.',
  'Multi-node JetStream (R3 streams, leader elections, partitions between NATS nodes): the rig runs one nats-server.',
  'Newer NATS versions: only nats-server 2.9.10 is installed; 2.10+ behaviour (several filter subjects, `sync_interval`) is untested.',
  'Postgres failover/replicas, and a pooler on a host of its own: pgbouncer (transaction pooling) runs on loopback in front of the one local server, for the pgbouncer-restart test and the lock-hygiene negative test; the other tests connect directly.',
  'A crash of the shared Postgres server: the crash test stops a private cluster of its own (pg_ctl stop -m immediate), not the machine server other work uses, and cannot show what a disk that loses its cache would do.',
  'Real network faults (latency, loss, partitions via tc/netem): everything runs on loopback.',
  'Real providers: webhooks and tokens come from our own sandbox, which can share our misunderstanding of a provider.',
  'Multiple replicas of a service (queue groups, cross-replica single-flight) beyond what the services’ own e2e tests start.',
  'Long-duration effects (memory leaks over days, 7-day dedup retention, 90-day refresh-token expiry).',
];

export function writeChaosReport(path, { seed, profile, startedAt, seconds, results, canary, machine, covered }) {
  const rows = results.map((r) =>
    r.skipped
      ? `| ${r.name} | ${r.injected} | — | — | — | — | — | not run: ${r.skipped} |`
      : `| ${r.name} | ${esc(r.injected)} | ${r.requests} | ${r.ok} | ${r.lost} | ${r.unknown} | ${r.duplicated} | ${r.pass ? 'pass' : '**FAIL**'} |`,
  );
  const sections = results.flatMap((r) => [
    `### ${r.name}`,
    '',
    ...(r.skipped ? [`Not run: ${r.skipped}`] : (r.details ?? []).map((d) => `- ${d}`)),
    '',
  ]);
  const md = [
    '# Shelflink chaos report',
    '',
    `Written by \`npm run chaos${profile === 'short' ? ' -- --short' : ''}\` at ${startedAt} in ${seconds} s. **Seed ${seed}** (reproduce: \`npm run chaos -- ${profile === 'short' ? '--short ' : ''}--seed ${seed}\`).`,
    `Machine: ${machine}. The built services run as processes on a nats-server of their own (repo permissions config) and a fresh database; every secret they hold is a canary.`,
    '',
    '"requests" counts the requests or events the test sent; "ok" the ones answered as the test requires; "lost" the ones acknowledged (2xx) and then missing; "unknown" the ones refused or failed during the fault (never acknowledged, so the sender retries); "duplicated" the effects applied twice.',
    '',
    '| test | injected | requests | ok | lost | unknown | duplicated | result |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    `| secret canary | ${canary.needles} needles (${canary.canaries} secrets × raw, base64, base64url, hex, URL-encoded) over ${canary.artifacts} captured artifacts (service stdout/stderr, HTTP responses, pg_dump of the databases, each call log table on its own) | ${canary.artifacts} | ${canary.artifacts - canary.leakedSources} | — | — | — | ${canary.hits.length === 0 ? 'pass (leaked = 0)' : `**FAIL (leaked = ${canary.hits.length})**`} |`,
    '',
    '## Details',
    '',
    ...sections,
    '### secret canary',
    '',
    canary.hits.length
      ? canary.hits.map((h) => `- LEAK: ${h.canary} (${h.form}) in ${h.source}`).join('\n')
      : '- no canary found in any captured stdout/stderr, HTTP response or database dump',
    `- call log tables scanned on their own: ${canary.callLog?.join(', ') || 'none'}`,
    '',
    '## Covered elsewhere or not yet implemented',
    '',
    ...covered.map((c) => `- ${c}`),
    '',
    '## What this rig cannot prove',
    '',
    ...limits.map((l) => `- ${l}`),
    '',
  ].join('\n');
  writeFileSync(path, md);
}

const esc = (text) => String(text).replace(/\|/g, '\\|');
