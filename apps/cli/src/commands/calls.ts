import {
  authCallsListContract,
  decodeCallsCursor,
  mergeCallPages,
  syncCallsListContract,
  type CallView,
} from '@shelflink/contracts';
import { UsageError, type CommandSpec } from '../command.js';
import { connectionOption, tenantArg } from './common-arguments.js';
import { formatTable } from './table-format.js';

const PAGE_SIZE = 50;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const TABLE_COLUMNS = [
  'at',
  'provider',
  'caller',
  'method',
  'status',
  'durationMs',
  'attempt',
  'rateLimitWaitMs',
  'path',
] as const satisfies readonly (keyof CallView)[];

/** The outbound call log: every provider call attempt of auth-service and sync-service, merged. */
export const callCommands: readonly CommandSpec[] = [
  {
    name: 'calls list',
    summary: 'provider call attempts of a tenant, newest first, 50 a page',
    details:
      "Pass the answer's `next` as --cursor for the next page. Never holds a header, token, query value or body.",
    args: [tenantArg],
    options: [
      connectionOption,
      {
        name: 'status',
        kind: 'value',
        placeholder: 's',
        description: 'a status (429), a class (5xx), error, network, or refused (never sent)',
      },
      {
        name: 'since',
        kind: 'value',
        placeholder: 't',
        description: 'an ISO 8601 date-time, or an age: 15m, 2h, 7d',
      },
      { name: 'cursor', kind: 'value', placeholder: 'c', description: "the previous page's `next`" },
      { name: 'format', kind: 'value', placeholder: 'f', description: 'json (default), or table: aligned columns' },
    ],
    contracts: [authCallsListContract, syncCallsListContract],
    async run(input, bus) {
      const format = input.value('format') ?? 'json';
      if (format !== 'json' && format !== 'table') throw new UsageError('--format must be json or table');
      const cursor = input.value('cursor');
      const before = cursor === undefined ? undefined : decodeCallsCursor(cursor);
      if (cursor !== undefined && !before) throw new UsageError("--cursor must be a previous page's `next`");
      const request = {
        tenantId: input.arg('tenantId'),
        connectionId: input.value('connection'),
        status: input.value('status'),
        since: sinceOf(input.value('since')),
        limit: PAGE_SIZE,
        before,
      };
      const pages = await Promise.all([
        bus.request(authCallsListContract, request),
        bus.request(syncCallsListContract, request),
      ]);
      const page = mergeCallPages(
        pages.map((answer) => answer.calls),
        request.limit,
      );
      return format === 'table' ? { output: page, text: callsTable(page.calls, page.next) } : { output: page };
    },
  },
];

/** `--since` as an ISO date-time: given as one, or as an age before now. */
function sinceOf(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const age = /^(\d{1,6})([mhd])$/.exec(value);
  if (age) return new Date(now - Number(age[1]) * (UNIT_MS[age[2] ?? 'm'] ?? 0)).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError('--since must be an ISO 8601 date-time or an age like 15m, 2h, 7d');
  return new Date(at).toISOString();
}

function callsTable(calls: readonly CallView[], next: string | null): string {
  // An attempt never sent has no status: the column says why instead (BREAKER_OPEN).
  const cell = (call: CallView, column: (typeof TABLE_COLUMNS)[number]) =>
    column === 'status' ? (call.refusal ?? call.status) : call[column];
  const rows = calls.map((call) => Object.fromEntries(TABLE_COLUMNS.map((column) => [column, cell(call, column)])));
  return [formatTable(rows), ...(next === null ? [] : [`next: ${next}`])].join('\n');
}
