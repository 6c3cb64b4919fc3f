// Renders the collected rows as bench/RESULTS.md (Markdown) and bench/results/latest.json (raw); a quick (smoke) run
// writes bench/results/quick.md and quick.json instead, so it never replaces the measured report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cell = (value) => (value === null || value === undefined || value === '' ? '—' : String(value));
const metCell = (met) => (met === true ? 'yes' : met === false ? '**no**' : '—');

export function markdownTable(results) {
  const lines = ['| bench | figure | value | floor | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const result of results) {
    for (const r of result.rows) {
      const value = r.value === null ? '—' : `${r.value} ${r.unit ?? ''}`.trim();
      const floor = r.floor ? `${r.floor}: ${cell(r.floorValue)} ${r.unit ?? ''}`.trim() : '—';
      lines.push(
        `| ${result.bench} | ${escape(r.figure)} | ${value} | ${escape(floor)} | ${cell(r.ratio)} | ${escape(cell(r.target))} | ${metCell(r.met)} |`,
      );
    }
    if (result.error)
      lines.push(`| ${result.bench} | **failed**: ${escape(result.error.slice(0, 240))} | — | — | — | — | **no** |`);
  }
  return lines.join('\n');
}

const escape = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function writeReports({ benchDir, machine, cpuNote, quick, results, notes }) {
  const table = markdownTable(results);
  const md = [
    '# Shelflink benchmark results',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${machine.date}.${quick ? ' **Quick mode: a harness smoke run, not a measurement.**' : ''}`,
    '',
    '## Machine',
    '',
    `- cpu: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; kernel ${machine.kernel}`,
    `- node ${machine.node}; nats-server ${machine.natsServer}; PostgreSQL ${machine.postgres}`,
    `- pinning: ${cpuNote}`,
    '',
    '## Results',
    '',
    'Each value is the median over the rounds; the floor is measured in the same run on the same machine; ratio = value / floor.',
    '',
    table,
    '',
    ...(notes.length ? ['## Notes', '', ...notes.map((note) => `- ${note}`), ''] : []),
  ].join('\n');
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  const [mdPath, jsonPath] = quick
    ? [join('results', 'quick.md'), join('results', 'quick.json')]
    : ['RESULTS.md', join('results', 'latest.json')];
  writeFileSync(join(benchDir, mdPath), md);
  writeFileSync(join(benchDir, jsonPath), `${JSON.stringify({ machine, quick, cpuNote, results, notes }, null, 2)}\n`);
  return { table, written: join('bench', mdPath) };
}
