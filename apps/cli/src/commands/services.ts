import {
  adminServiceAddContract,
  adminServiceRemoveContract,
  adminServicesListContract,
  consumerInboxPrefix,
  consumerNatsUser,
} from '@shelflink/contracts';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import type { CommandSpec, ProgressSink } from '../command.js';
import { applyNatsUsers, waitUntilAccepted, type NatsUsersOutcome } from '../nats-users.js';
import type { OperatorBus } from '../operator-bus.js';

/** bcrypt's cost: about 50 ms per NATS login on a laptop core; logins are rare, guesses are not. */
const BCRYPT_ROUNDS = 11;

const nameArg = {
  name: 'name',
  description: 'the service: lowercase letters, digits and dashes (its NATS user is svc-<name>)',
};

/** Consumer services: the retailer's own services that get tokens over NATS under their own identity and grants. */
export const serviceCommands: readonly CommandSpec[] = [
  {
    name: 'services add',
    summary: 'a consumer service with its grants and NATS credentials (printed once)',
    details: [
      'Prints {"service","natsUrl","user","password","inboxPrefix"}: exactly what ShelflinkClient.connect takes.',
      'The password is made here; auth-service and the NATS users file keep only its bcrypt hash. Then rewrites',
      'that file and reloads nats-server.',
    ].join('\n'),
    args: [nameArg],
    options: [
      { name: 'tenant', kind: 'list', placeholder: 't1,t2', description: 'the tenants it may reach', required: true },
      { name: 'providers', kind: 'list', placeholder: 'p1,p2', description: 'only connections of these providers' },
      { name: 'connections', kind: 'list', placeholder: 'id1,id2', description: 'only these connections' },
    ],
    contracts: [adminServiceAddContract, adminServicesListContract],
    async run(input, bus, progress) {
      const name = input.arg('name');
      const natsUrl = bus.natsUsers().consumerUrl;
      const password = `p${randomBytes(24).toString('hex')}`;
      const added = await bus.request(adminServiceAddContract, {
        name,
        tenants: input.list('tenant'),
        providers: input.list('providers'),
        connections: input.list('connections'),
        passwordHash: await bcrypt.hash(password, BCRYPT_ROUNDS),
      });
      const credentials = {
        service: added.name,
        natsUrl,
        user: consumerNatsUser(added.name),
        password,
        inboxPrefix: consumerInboxPrefix(added.name),
      };
      // The grant exists now: whatever fails on the NATS side, the password must still be printed.
      const outcome = await publishUsers(bus, progress).catch((error: unknown) => {
        progress(
          `the NATS users file was not updated (${(error as Error).message}): run \`shelflink services render\``,
        );
        return undefined;
      });
      if (outcome?.reload === 'signalled' && !(await waitUntilAccepted(natsUrl, credentials.user, password)))
        progress('nats-server has not accepted the new user yet: check its log for the reload');
      progress('store the password now: it is not shown again');
      return { output: credentials };
    },
  },
  {
    name: 'services list',
    summary: 'consumer services and their grants',
    args: [],
    options: [],
    contracts: [adminServicesListContract],
    async run(_input, bus) {
      const { services } = await bus.request(adminServicesListContract, {});
      return { output: { services: services.map(({ passwordHash: _hash, ...service }) => service) } };
    },
  },
  {
    name: 'services remove',
    summary: 'revoke a consumer service: grants at once, its NATS user at the reload',
    details: 'auth-service refuses its next request; nats-server closes its connections when it reloads the users.',
    args: [nameArg],
    options: [],
    contracts: [adminServiceRemoveContract, adminServicesListContract],
    async run(input, bus, progress) {
      const removed = await bus.request(adminServiceRemoveContract, { name: input.arg('name') });
      const outcome = await publishUsers(bus, progress);
      return { output: { ...removed, nats: outcome } };
    },
  },
  {
    name: 'services render',
    summary: 'rewrite the NATS users file from the grants and reload nats-server',
    details: 'For a new nats-server (or its config restored): `services add` and `remove` do this themselves.',
    args: [],
    options: [],
    contracts: [adminServicesListContract],
    async run(_input, bus, progress) {
      return { output: { nats: await publishUsers(bus, progress) } };
    },
  },
];

/** Every consumer service's NATS user, as auth-service lists them now, into the users file; then the reload. */
async function publishUsers(bus: OperatorBus, progress: ProgressSink): Promise<NatsUsersOutcome> {
  const { services } = await bus.request(adminServicesListContract, {});
  const outcome = applyNatsUsers(bus.natsUsers(), services);
  if (outcome.next) progress(outcome.next);
  return outcome;
}
