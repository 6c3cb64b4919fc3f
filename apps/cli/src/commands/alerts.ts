import {
  alertAdminListContract,
  alertAdminListRequest,
  alertKinds,
  alertStates,
  type AlertView,
} from '@shelflink/contracts';
import { UsageError, type CommandSpec } from '../command.js';
import { limitOption, statusOption } from './common-arguments.js';

const FORMATS = ['json', 'table'] as const;

/** Operator alerts (sync-service): every tenant's, and those of provider accounts. */
export const alertCommands: readonly CommandSpec[] = [
  {
    name: 'alerts list',
    summary: 'operator alerts: breakers, reconnects, dead letters, stale streams',
    details:
      'Most recently changed first. An alert is `resolved` once it stayed recovered for SYNC_ALERT_RESOLVE_HOLD_MS;\n' +
      '`count` is how often it fired meanwhile.',
    args: [],
    options: [
      { ...statusOption(alertStates), name: 'state' },
      { name: 'kind', kind: 'value', placeholder: 'kind', description: `only this kind: ${alertKinds.join(', ')}` },
      { name: 'tenant', kind: 'value', placeholder: 'id', description: "only this tenant's" },
      limitOption(alertAdminListRequest.shape.limit),
      { name: 'format', kind: 'value', placeholder: 'format', description: `${FORMATS.join(' or ')} (default json)` },
    ],
    contracts: [alertAdminListContract],
    async run(input, bus) {
      const format = input.value('format') ?? 'json';
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be json or table`);
      const reply = await bus.request(alertAdminListContract, {
        state: input.value('state'),
        kind: input.value('kind'),
        tenantId: input.value('tenant'),
        limit: input.integer('limit'),
      });
      return format === 'table' ? { output: reply, text: alertTable(reply.alerts) } : { output: reply };
    },
  },
];

const COLUMNS = ['state', 'kind', 'key', 'tenant', 'count', 'since', 'cause'] as const;

/** One line per alert, columns padded to their widest cell; the cause last, whole. */
export function alertTable(alerts: readonly AlertView[]): string {
  const rows = alerts.map((alert) => [
    alert.state,
    alert.kind,
    alert.key,
    alert.tenantId ?? '-',
    String(alert.count),
    alert.state === 'firing' ? alert.firingSince : (alert.resolvedAt ?? ''),
    alert.lastCause,
  ]);
  const table = [[...COLUMNS] as string[], ...rows];
  const widths = COLUMNS.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table
    .map((row) => row.map((cell, column) => (column === COLUMNS.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))))
    .map((cells) => cells.join('  ').trimEnd())
    .join('\n');
}
