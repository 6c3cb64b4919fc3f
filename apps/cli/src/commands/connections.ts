import { adminConnectionsListContract, adminConnectionTestContract } from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';
import { connectionArg, tenantArg } from './common-arguments.js';

/** Connections to providers (auth-service); never their secrets. */
export const connectionCommands: readonly CommandSpec[] = [
  {
    name: 'connections list',
    summary: 'connections with provider, alias and status (never secrets)',
    args: [],
    options: [{ name: 'tenant', kind: 'value', placeholder: 'tenantId', description: "only this tenant's" }],
    ...sends(adminConnectionsListContract, (input) => ({ tenantId: input.value('tenant') })),
  },
  {
    name: 'connection test',
    summary: 'one cheap authenticated call to the provider',
    details: 'Answers ok and the HTTP status the provider gave.',
    args: [tenantArg, connectionArg],
    options: [],
    ...sends(adminConnectionTestContract, (input) => ({
      tenantId: input.arg('tenantId'),
      connectionId: input.arg('connectionId'),
    })),
  },
];
