import {
  receivedEventStatuses,
  webhookEventReplayContract,
  webhookEventsListContract,
  webhookEventsListRequest,
  webhookEventsReplayRangeContract,
} from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';
import { connectionArg, connectionOption, limitOption, statusOption, tenantArg } from './common-arguments.js';

/** Received webhook events (webhook-ingest): list them and process them again. */
export const webhookEventCommands: readonly CommandSpec[] = [
  {
    name: 'events list',
    summary: 'received webhook events, newest first',
    args: [tenantArg],
    options: [connectionOption, statusOption(receivedEventStatuses), limitOption(webhookEventsListRequest.shape.limit)],
    ...sends(webhookEventsListContract, (input) => ({
      tenantId: input.arg('tenantId'),
      connectionId: input.value('connection'),
      status: input.value('status'),
      limit: input.integer('limit'),
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
