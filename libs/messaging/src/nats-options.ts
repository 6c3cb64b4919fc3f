import { inboxPrefixFor, type ServiceName } from '@shelflink/contracts';
import type { ConnectionOptions } from '@nats-io/transport-node';
import type { StreamReplication } from './streams.js';

/** What a service needs to reach NATS as its own least-privileged user. */
export interface NatsSettings {
  url: string;
  user: string;
  password: string;
  /** How the streams this service creates are replicated (default: one replica). */
  streams?: StreamReplication;
}

/** Connection options shared by the Nest transport and the raw client: own user, own reply inbox, endless reconnects. */
export function natsConnectionOptions(service: ServiceName, settings: NatsSettings): ConnectionOptions {
  return {
    servers: settings.url.split(','),
    user: settings.user,
    pass: settings.password,
    name: `${service}:${process.pid}`,
    inboxPrefix: inboxPrefixFor(service),
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: 500,
    pingInterval: 2_000,
    maxPingOut: 2,
    // An Error (stack captured) per request and per timer otherwise: ~7% of webhook-ingest's CPU, where every
    // JetStream publish is a request. Our logs name the operation that failed instead.
    noAsyncTraces: true,
  };
}
