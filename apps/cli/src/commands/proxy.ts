import {
  adminConnectionsListContract,
  BusError,
  providerPageChunk,
  providerRequestContract,
  proxyMethods,
  type ProviderRequestResponse,
} from '@shelflink/contracts';
import { isCatalogProviderKey, PROVIDER_CATALOG } from '@shelflink/providers';
import type { CommandInput, CommandSpec, CommandResult } from '../command.js';
import { UsageError } from '../command.js';
import type { OperatorBus } from '../operator-bus.js';
import { proxyHeaders } from './proxy-headers.js';
import { formatTable, rowsOf } from './table-format.js';

const tenantRef = { name: 'tenant', description: 'the tenant' };
const connectionRef = { name: 'connection', description: "one of the tenant's connections, by id or alias" };

/** Provider API calls through the proxy (sync-service), and the accounts they name. */
export const proxyCommands: readonly CommandSpec[] = [
  {
    name: 'api',
    summary: "call the provider's API through the proxy (auth injected, shared budget)",
    details: [
      'The path is relative to the API base in the catalog, query included: `/v2/locations`.',
      'Prints the body; with --all-pages, every item of every page as one JSON array, as the pages arrive.',
      'Exit 1 when the provider answered 4xx or 5xx.',
    ].join('\n'),
    args: [
      tenantRef,
      connectionRef,
      { name: 'method', description: proxyMethods.join(', ') },
      { name: 'path', description: 'e.g. /v2/locations' },
    ],
    options: [
      { name: 'all-pages', kind: 'flag', description: "walk every page with the provider's pagination" },
      { name: 'max', kind: 'integer', placeholder: 'n', description: 'with --all-pages: stop after n items' },
      {
        name: 'format',
        kind: 'value',
        placeholder: 'f',
        description: 'json (default) or table (the items as a table)',
      },
      { name: 'data', kind: 'value', placeholder: 'body', description: 'the request body, JSON' },
      {
        name: 'header',
        kind: 'repeatable',
        placeholder: 'Name: value',
        description: "a request header, repeatable: `--header 'Prefer: transient'` (the proxy's allow-list only)",
      },
    ],
    contracts: [adminConnectionsListContract, providerRequestContract],
    run: (input, bus, _progress, stdout) => callApi(input, bus, stdout),
  },
  {
    name: 'test',
    summary: "one cheap authenticated call through the proxy (the catalog's test)",
    args: [tenantRef, connectionRef],
    options: [],
    contracts: [adminConnectionsListContract, providerRequestContract],
    async run(input, bus) {
      const connection = await findConnection(bus, input.arg('tenant'), input.arg('connection'));
      const { provider } = connection;
      const test = isCatalogProviderKey(provider) ? PROVIDER_CATALOG[provider].testConnection : undefined;
      if (!test) throw new BusError('INVALID_REQUEST', `No connection test is known for ${connection.provider}`);
      const started = performance.now();
      const answer = await bus.request(providerRequestContract, {
        tenantId: input.arg('tenant'),
        connectionId: connection.id,
        method: test.method,
        path: test.path,
      });
      const ok = answer.status >= 200 && answer.status < 300;
      const durationMs = Math.round(performance.now() - started);
      return {
        output: {
          ok,
          status: answer.status,
          provider: connection.provider,
          connectionId: connection.id,
          alias: connection.alias,
          path: test.path,
          durationMs,
        },
        exitCode: ok ? 0 : 1,
      };
    },
  },
  {
    name: 'accounts list',
    summary: 'provider accounts (connections) by alias: provider, alias, id, status',
    args: [],
    options: [
      { name: 'tenant', kind: 'value', placeholder: 'tenantId', description: "only this tenant's" },
      { name: 'provider', kind: 'value', placeholder: 'provider', description: 'only this provider' },
    ],
    contracts: [adminConnectionsListContract],
    async run(input, bus) {
      const { connections } = await bus.request(adminConnectionsListContract, { tenantId: input.value('tenant') });
      const provider = input.value('provider');
      const accounts = connections
        .filter((connection) => provider === undefined || connection.provider === provider)
        .map(({ tenantId, provider: name, alias, id, status }) => ({ tenantId, provider: name, alias, id, status }));
      return { output: { accounts } };
    },
  },
];

/** A connection of the tenant named by id or alias; an alias two providers share must be given as an id. */
async function findConnection(bus: OperatorBus, tenantId: string, ref: string) {
  const { connections } = await bus.request(adminConnectionsListContract, { tenantId });
  const byId = connections.find((connection) => connection.id === ref);
  if (byId) return byId;
  const byAlias = connections.filter((connection) => connection.alias === ref);
  if (byAlias.length > 1)
    throw new BusError('CONFLICT', `Alias ${ref} names ${byAlias.length} connections; give the connection id`);
  const [found] = byAlias;
  if (!found) throw new BusError('NOT_FOUND', `No connection ${ref} in tenant ${tenantId}`);
  return found;
}

async function callApi(input: CommandInput, bus: OperatorBus, stdout: (text: string) => void): Promise<CommandResult> {
  const format = input.value('format') ?? 'json';
  if (format !== 'json' && format !== 'table') throw new UsageError('--format is json or table');
  const method = input.arg('method').toUpperCase();
  if (!proxyMethods.includes(method as (typeof proxyMethods)[number]))
    throw new UsageError(`<method> is one of ${proxyMethods.join(', ')}`);
  const headers = proxyHeaders(input.list('header'));
  const data = input.value('data');
  const json = data === undefined ? undefined : parseData(data);
  const tenantId = input.arg('tenant');
  const connection = await findConnection(bus, tenantId, input.arg('connection'));
  const request = {
    tenantId,
    connectionId: connection.id,
    method,
    path: input.arg('path'),
    ...(headers === undefined ? {} : { headers }),
    ...(json === undefined ? {} : { json }),
  };
  if (input.flag('all-pages')) {
    const chunks = bus.requestChunks(
      providerRequestContract,
      { ...request, paginate: true, maxItems: input.integer('max') },
      providerPageChunk,
    );
    return format === 'table'
      ? { output: undefined, streamed: true, ...(await tableOfPages(chunks, stdout)) }
      : { output: undefined, streamed: true, ...(await streamPages(chunks, stdout)) };
  }
  const answer = await bus.request(providerRequestContract, request);
  return printAnswer(answer, format, stdout);
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    throw new UsageError('--data must be JSON');
  }
}

function printAnswer(answer: ProviderRequestResponse, format: string, stdout: (text: string) => void): CommandResult {
  const exitCode = answer.status >= 400 ? 1 : 0;
  let body: unknown = answer.body;
  try {
    body = answer.bodyEncoding === 'utf8' && answer.body !== '' ? (JSON.parse(answer.body) as unknown) : answer.body;
  } catch {
    // Not JSON: printed as the text it is.
  }
  const rows = format === 'table' ? rowsOf(body) : undefined;
  if (rows) {
    stdout(`${formatTable(rows)}\n`);
    return { output: undefined, streamed: true, exitCode };
  }
  return { output: { status: answer.status, body }, exitCode };
}

type Chunks = AsyncGenerator<{ items: unknown[]; done: boolean; truncated?: boolean; pages?: number; total?: number }>;

/** One JSON array, written as the chunks arrive; totals go to the result's exit code only. */
async function streamPages(chunks: Chunks, stdout: (text: string) => void): Promise<{ exitCode: number }> {
  let first = true;
  stdout('[');
  for await (const chunk of chunks) {
    for (const item of chunk.items) {
      stdout(`${first ? '\n' : ',\n'}${JSON.stringify(item)}`);
      first = false;
    }
  }
  stdout(first ? ']\n' : '\n]\n');
  return { exitCode: 0 };
}

/** A table needs every row for its widths: the page and item caps bound it. */
async function tableOfPages(chunks: Chunks, stdout: (text: string) => void): Promise<{ exitCode: number }> {
  const rows: unknown[] = [];
  for await (const chunk of chunks) rows.push(...chunk.items);
  stdout(`${formatTable(rows)}\n`);
  return { exitCode: 0 };
}
