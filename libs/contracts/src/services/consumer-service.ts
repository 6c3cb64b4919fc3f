import { z } from 'zod';
import { subjects } from '../subjects.js';

/**
 * A consumer service: one of the retailer's own services (forecasting, reporting, …) with a NATS user of its own,
 * `svc-<name>`. The NATS server lets that user publish only subjects ending in its own name, so auth-service reads the
 * caller from the subject it received, never from the payload.
 */
export const consumerServiceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,38}$/, 'lowercase letters, digits and dashes, 2-39 characters, starting with a letter');

export const consumerNatsUser = (name: string): string => `svc-${name}`;

/** The only inbox prefix the service may subscribe to: no service reads another's replies. */
export const consumerInboxPrefix = (name: string): string => `_INBOX_svc_${name}`;

/** The service's own JetStream stream of record changes (stream names allow dashes, not dots). */
export const feedStreamFor = (name: string): string => `FEED_${name.toUpperCase()}`;

/** `auth.token.get.v1.*` → `auth.token.get.v1.<name>`: the subject a service sends on. */
export const consumerSubject = (pattern: string, name: string): string => `${pattern.slice(0, -1)}${name}`;

/** The service a consumer subject names (its last token), or undefined when it names none validly. */
export function serviceOfSubject(subject: string): string | undefined {
  const name = subject.slice(subject.lastIndexOf('.') + 1);
  return consumerServiceName.safeParse(name).success ? name : undefined;
}

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

/** Everything user `svc-<name>` may do on NATS; the one place these permissions are written. */
export function consumerPermissions(name: string): NatsPermissions {
  const stream = feedStreamFor(name);
  return {
    publish: [
      consumerSubject(subjects.consumerTokenGet, name),
      consumerSubject(subjects.consumerTbaSign, name),
      consumerSubject(subjects.consumerProviderRequest, name),
      consumerSubject(subjects.providerCredit, name),
      // The durable feed: consumers on its own stream only (nats-server 2.9 and 2.10+ subject forms).
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.INFO.${stream}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
      `$JS.API.CONSUMER.DELETE.${stream}.>`,
      `$JS.API.STREAM.INFO.${stream}`,
      `$JS.ACK.${stream}.>`,
    ],
    subscribe: [`${consumerInboxPrefix(name)}.>`],
  };
}
