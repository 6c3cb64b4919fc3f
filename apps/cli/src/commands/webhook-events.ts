import {
  receivedEventStatuses,
  unroutableListContract,
  unroutableReplayContract,
  webhookEventReplayContract,
  webhookEventsListContract,
  webhookEventsListRequest,
  webhookEventsReplayRangeContract,
} from '@shelflink/contracts';
import { sends, UsageError, type CommandSpec } from '../command.js';
import { connectionArg, connectionOption, limitOption, statusOption, tenantArg } from './common-arguments.js';

/** Received webhook events (webhook-ingest): list them and process them again. */
export const webhookEventCommands: readonly CommandSpec[] = [
  {
    name: 'events list',
    summary: 'received webhook events, newest first (--unroutable: none matched)',
    details: 'Unroutable: authentic app-level deliveries for a merchant or shop with no active connection; no tenant.',
    args: [{ ...tenantArg, description: 'the tenant (not with --unroutable)', variadic: true }],
    options: [
      connectionOption,
      statusOption(receivedEventStatuses),
      limitOption(webhookEventsListRequest.shape.limit),
      { name: 'unroutable', kind: 'flag', description: 'list unroutable events instead (no tenant)' },
    ],
    contracts: [webhookEventsListContract, unroutableListContract],
    run: async (input, bus) => {
      const [tenantId, extra] = input.rest;
      if (input.flag('unroutable')) {
        if (tenantId !== undefined) throw new UsageError('--unroutable events belong to no tenant: drop <tenantId>');
        return { output: await bus.request(unroutableListContract, { limit: input.integer('limit') }) };
      }
      if (tenantId === undefined) throw new UsageError('missing <tenantId>');
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      const request = {
        tenantId,
        connectionId: input.value('connection'),
        status: input.value('status'),
        limit: input.integer('limit'),
      };
      return { output: await bus.request(webhookEventsListContract, request) };
    },
  },
  {
    name: 'unroutable replay',
    summary: "store an unroutable event as a connection's and process it",
    details: 'The connection must hold the account the event names. Connecting the account never replays by itself.',
    args: [
      { name: 'eventId', description: 'the unroutable event, as `events list --unroutable` shows it (id)' },
      tenantArg,
      connectionArg,
    ],
    options: [],
    ...sends(unroutableReplayContract, (input) => ({
      id: input.arg('eventId'),
      tenantId: input.arg('tenantId'),
      connectionId: input.arg('connectionId'),
    })),
  },
  {
    name: 'event replay',
    summary: 'process one stored webhook event again',
    details: 'It gets a new generation: downstream sees a new envelope id.',
    args: [tenantArg, { name: 'eventId', description: 'the event, as `events list` shows it (id)' }],
    options: [],
    ...sends(webhookEventReplayContract, (input) => ({
      tenantId: input.arg('tenantId'),
      eventId: input.arg('eventId'),
    })),
  },
  {
    name: 'events replay',
    summary: "process a connection's events received in [from, to) again",
    args: [tenantArg, connectionArg],
    options: [
      {
        name: 'from',
        kind: 'value',
        placeholder: 'iso time',
        description: 'first receipt time, included',
        required: true,
      },
      {
        name: 'to',
        kind: 'value',
        placeholder: 'iso time',
        description: 'last receipt time, excluded',
        required: true,
      },
    ],
    ...sends(webhookEventsReplayRangeContract, (input) => ({
      tenantId: input.arg('tenantId'),
      connectionId: input.arg('connectionId'),
      from: input.value('from'),
      to: input.value('to'),
    })),
  },
];
