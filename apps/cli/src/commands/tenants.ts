import { adminApiKeyCreateContract, adminTenantCreateContract } from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';
import { tenantArg } from './common-arguments.js';

/** Tenants and their admin API keys (auth-service). */
export const tenantCommands: readonly CommandSpec[] = [
  {
    name: 'tenant create',
    summary: 'create a tenant and its first admin API key (shown once)',
    details: 'An existing tenant is kept (created: false) and gets another key.',
    args: [tenantArg],
    options: [{ name: 'name', kind: 'value', placeholder: 'name', description: "the tenant's display name" }],
    contracts: [adminTenantCreateContract, adminApiKeyCreateContract],
    async run(input, bus) {
      const tenantId = input.arg('tenantId');
      const tenant = await bus.request(adminTenantCreateContract, { tenantId, name: input.value('name') });
      const key = await bus.request(adminApiKeyCreateContract, { tenantId, name: 'admin' });
      const note = 'store the API key now; it is not shown again';
      return { output: { ...tenant, keyId: key.keyId, apiKey: key.apiKey, note } };
    },
  },
  {
    name: 'apikey create',
    summary: 'another admin API key for a tenant (shown once)',
    details: 'Only its hash is stored: keep the key from the output.',
    args: [tenantArg],
    options: [{ name: 'name', kind: 'value', placeholder: 'name', description: "the key's name, to tell keys apart" }],
    ...sends(adminApiKeyCreateContract, (input) => ({ tenantId: input.arg('tenantId'), name: input.value('name') })),
  },
];
