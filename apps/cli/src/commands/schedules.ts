import {
  SYNC_INTERVAL_MAX_SECONDS,
  SYNC_INTERVAL_MIN_SECONDS,
  syncScheduleListContract,
  syncScheduleUpdateContract,
  syncStreams,
} from '@shelflink/contracts';
import { sends, UsageError, type CommandSpec } from '../command.js';
import { connectionArg, connectionOption, tenantArg } from './common-arguments.js';

/** When each stream of a connection is pulled (sync-service). */
export const scheduleCommands: readonly CommandSpec[] = [
  {
    name: 'schedules list',
    summary: 'interval, paused, next run and last success per stream',
    args: [tenantArg],
    options: [connectionOption],
    ...sends(syncScheduleListContract, (input) => ({
      tenantId: input.arg('tenantId'),
      connectionId: input.value('connection'),
    })),
  },
  {
    name: 'schedule set',
    summary: "change a stream's interval, or pause or resume it",
    details: 'The next run is then one interval from now; a stream never synced gets its schedule from this.',
    args: [tenantArg, connectionArg, { name: 'stream', description: `one of ${syncStreams.join(', ')}` }],
    options: [
      {
        name: 'interval',
        kind: 'integer',
        placeholder: 'seconds',
        description: `seconds between runs (${SYNC_INTERVAL_MIN_SECONDS} to ${SYNC_INTERVAL_MAX_SECONDS})`,
      },
      { name: 'pause', kind: 'flag', description: 'stop scheduled runs of the stream' },
      { name: 'resume', kind: 'flag', description: 'start them again' },
    ],
    ...sends(syncScheduleUpdateContract, (input) => {
      if (input.flag('pause') && input.flag('resume')) throw new UsageError('--pause and --resume exclude each other');
      return {
        tenantId: input.arg('tenantId'),
        connectionId: input.arg('connectionId'),
        stream: input.arg('stream'),
        intervalSeconds: input.integer('interval'),
        paused: input.flag('pause') ? true : input.flag('resume') ? false : undefined,
      };
    }),
  },
];
