import {
  alertAdminListContract,
  alertAdminListRequest,
  alertKinds,
  alertStates,
  type AlertView,
} from '@shelflink/contracts';
import { UsageError, type CommandSpec } from '../command.js';
import { limitOption } from './common-arguments.js';
import { formatTable } from './table-format.js';

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
      { name: 'state', kind: 'value', placeholder: 'state', description: `only this state: ${alertStates.join(', ')}` },
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
      return format === 'table' ? { output: reply, text: formatTable(alertRows(reply.alerts)) } : { output: reply };
    },
  },
];

/** The columns an operator scans first; the cause last (the table cuts long cells). */
function alertRows(alerts: readonly AlertView[]) {
  return alerts.map((alert) => ({
    state: alert.state,
    kind: alert.kind,
    key: alert.key,
    tenant: alert.tenantId ?? '-',
    count: alert.count,
    since: alert.state === 'firing' ? alert.firingSince : alert.resolvedAt,
    cause: alert.lastCause,
  }));
}
