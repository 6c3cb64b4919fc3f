import {
  BusError,
  syncRunListContract,
  syncRunListRequest,
  syncRunStartContract,
  syncRunStatuses,
  syncStreams,
  type SyncRunView,
} from '@shelflink/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { sends, type CommandSpec, type ProgressSink } from '../command.js';
import type { OperatorBus } from '../operator-bus.js';
import { connectionArg, connectionOption, limitOption, statusOption, tenantArg } from './common-arguments.js';

const POLL_INTERVAL_MS = 1_000;
const RUN_ENDED: ReadonlySet<string> = new Set(['succeeded', 'failed']);

/** Sync runs (sync-service): start them, list them, watch one to its end. */
export const syncCommands: readonly CommandSpec[] = [
  {
    name: 'syncs start',
    summary: 'queue a sync now, one run per stream (--full re-pulls everything)',
    details: 'A stream that already has a queued or running run answers with that run.',
    args: [tenantArg, connectionArg],
    options: [
      {
        name: 'streams',
        kind: 'list',
        placeholder: 'list',
        description: `comma-separated, of ${syncStreams.join(', ')} (default: all the provider has)`,
      },
      { name: 'full', kind: 'flag', description: 'discard the checkpoints first and pull everything again' },
    ],
    ...sends(syncRunStartContract, (input) => ({
      tenantId: input.arg('tenantId'),
      connectionId: input.arg('connectionId'),
      streams: input.list('streams'),
      mode: input.flag('full') ? 'full' : 'incremental',
    })),
  },
  {
    name: 'syncs list',
    summary: 'sync runs, newest first: status, pages, records, errors, duration',
    args: [tenantArg],
    options: [connectionOption, statusOption(syncRunStatuses), limitOption(syncRunListRequest.shape.limit)],
    ...sends(syncRunListContract, (input) => ({
      tenantId: input.arg('tenantId'),
      connectionId: input.value('connection'),
      status: input.value('status'),
      limit: input.integer('limit'),
    })),
  },
  {
    name: 'sync watch',
    summary: "print the run's progress until it ends (exit 1 if it failed)",
    details: 'Progress goes to stderr, one JSON line per change; the finished run to stdout.',
    args: [tenantArg, { name: 'runId', description: 'the run, as `syncs start` or `syncs list` show it' }],
    options: [],
    contracts: [syncRunListContract],
    async run(input, bus, progress) {
      const run = await watchRun(bus, input.arg('tenantId'), input.arg('runId'), progress);
      return { output: run, exitCode: run.status === 'failed' ? 1 : 0 };
    },
  },
];

/** Polls one sync run, reporting its progress whenever it changes; resolves with the finished run. */
async function watchRun(bus: OperatorBus, tenantId: string, runId: string, progress: ProgressSink) {
  let last = '';
  for (;;) {
    const [run]: SyncRunView[] = (await bus.request(syncRunListContract, { tenantId, runId, limit: 1 })).runs;
    if (!run) throw new BusError('NOT_FOUND', `No sync run ${runId} for tenant ${tenantId}`);
    const { status, pages, records, changed, attempts, errorCode, durationMs } = run;
    const line = JSON.stringify({ status, pages, records, changed, attempts, errorCode, durationMs });
    if (line !== last) progress(line);
    last = line;
    if (RUN_ENDED.has(status)) return run;
    await delay(POLL_INTERVAL_MS);
  }
}
