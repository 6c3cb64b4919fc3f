import { deadLettersListContract, deadLettersRequeueContract } from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';
import { tenantArg } from './common-arguments.js';

/** Webhook events that ran out of attempts (webhook-ingest). */
export const deadLetterCommands: readonly CommandSpec[] = [
  {
    name: 'deadletters list',
    summary: 'webhook events that ran out of attempts, with their last error',
    args: [tenantArg],
    options: [],
    ...sends(deadLettersListContract, (input) => ({ tenantId: input.arg('tenantId') })),
  },
  {
    name: 'deadletters requeue',
    summary: "send dead letters (all of the tenant's when none is named) back",
    details: 'Each is processed again as a new generation, like `event replay`.',
    args: [
      tenantArg,
      { name: 'eventId', description: 'a dead letter, as `deadletters list` shows it', variadic: true },
    ],
    options: [],
    ...sends(deadLettersRequeueContract, (input) => ({
      tenantId: input.arg('tenantId'),
      eventIds: input.rest.length > 0 ? input.rest : undefined,
    })),
  },
];
