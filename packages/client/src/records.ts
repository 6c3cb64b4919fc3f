import type { NatsConnection } from 'nats';
import type { ShelflinkCredentials } from './credentials.js';

/**
 * `client.records`: the durable feed of record changes (`records.subscribe(entity | '*', handler, {durableName})`),
 * on the service's own JetStream stream FEED_<NAME>.
 */
export class Records {
  constructor(
    protected readonly connection: NatsConnection,
    protected readonly credentials: ShelflinkCredentials,
  ) {}
}
