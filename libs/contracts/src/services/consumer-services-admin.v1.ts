import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { consumerServiceName } from './consumer-service.js';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/**
 * What a consumer service may get tokens and signatures for: connections of its tenants, narrowed to the listed
 * providers and/or connection ids when given. Empty lists mean "no narrowing".
 */
export const consumerGrants = z.object({
  tenants: z.array(tenantId).min(1).max(100),
  providers: z
    .array(z.string().regex(/^[a-z0-9-]{1,40}$/))
    .max(50)
    .default([]),
  connections: z.array(z.string().min(1).max(64)).max(500).default([]),
});
export type ConsumerGrants = z.output<typeof consumerGrants>;

/** A bcrypt hash as nats-server reads it from its config; the password itself never reaches auth-service. */
const passwordHash = z.string().regex(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, 'a bcrypt hash');

/** `auth.admin.services.add.v1` (operator only): a new consumer service; an existing name is CONFLICT. */
export const adminServiceAddRequest = consumerGrants.extend({ name: consumerServiceName, passwordHash });
export const consumerServiceView = consumerGrants.extend({
  name: z.string(),
  passwordHash: z.string(),
  createdAt: z.iso.datetime(),
});
export type ConsumerServiceView = z.output<typeof consumerServiceView>;
export const adminServiceAddContract = defineRequest(
  subjects.authAdminServicesAdd,
  adminServiceAddRequest,
  consumerServiceView,
);

/** Every consumer service with its hash: the operator renders the NATS users file from it. */
export const adminServicesListResponse = z.object({ services: z.array(consumerServiceView) });
export const adminServicesListContract = defineRequest(
  subjects.authAdminServicesList,
  z.object({}),
  adminServicesListResponse,
);

/** `auth.internal.services.list.v1` (sync-service): the services and their grants, never a hash. */
export const internalServicesListResponse = z.object({
  services: z.array(consumerGrants.extend({ name: z.string() })),
});
export const internalServicesListContract = defineRequest(
  subjects.authInternalServicesList,
  z.object({}),
  internalServicesListResponse,
);

/** Removes the grants at once: auth-service refuses the service's next request. */
export const adminServiceRemoveRequest = z.object({ name: consumerServiceName });
export const adminServiceRemoveResponse = z.object({ name: z.string(), removed: z.boolean() });
export const adminServiceRemoveContract = defineRequest(
  subjects.authAdminServicesRemove,
  adminServiceRemoveRequest,
  adminServiceRemoveResponse,
);

/** `auth.event.service.changed.v1`: published after every add and remove, so sync-service can reconcile feeds. */
export const serviceChangedEvent = consumerGrants.extend({ name: z.string(), removed: z.boolean() });
export type ServiceChangedEvent = z.output<typeof serviceChangedEvent>;
