import {
  adminWebhooksEnsureContract,
  adminWebhooksListContract,
  adminWebhooksStatusContract,
  adminWebhooksSyncContract,
} from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';
import { connectionArg, tenantArg } from './common-arguments.js';

const connection = (input: { arg(name: string): string }) => ({
  tenantId: input.arg('tenantId'),
  connectionId: input.arg('connectionId'),
});

/** Webhook subscriptions at the providers: the ones Shelflink registers, and where providers deliver. */
export const webhookCommands: readonly CommandSpec[] = [
  {
    name: 'webhooks status',
    summary: 'per provider, the URL and topics providers deliver with',
    details: '`registeredByShelflink` providers get their subscriptions from Shelflink; configure the others yourself.',
    args: [],
    options: [],
    ...sends(adminWebhooksStatusContract, () => ({})),
  },
  {
    name: 'webhooks list',
    summary: "a connection's subscriptions at Shopify and the last sync",
    args: [tenantArg, connectionArg],
    options: [],
    ...sends(adminWebhooksListContract, connection),
  },
  {
    name: 'webhooks sync',
    summary: "make a connection's subscriptions match the configured topics now",
    details: 'Creates what is missing and deletes ours that are no longer wanted; the reconcile job does the same.',
    args: [tenantArg, connectionArg],
    options: [],
    ...sends(adminWebhooksSyncContract, connection),
  },
  {
    name: 'webhooks ensure',
    summary: "create or update the Square app's subscription to /webhooks/square",
    details:
      'Uses providers.square.appAccessToken. Prints the signature key only when it is new or not the configured one:\n' +
      'then configure it as providers.square.webhookSecrets.',
    args: [{ name: 'provider', description: 'square' }],
    options: [],
    ...sends(adminWebhooksEnsureContract, (input) => ({ provider: input.arg('provider') })),
  },
];
