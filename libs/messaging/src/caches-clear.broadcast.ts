import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { CachesClearReply, RequestContract, cachesClearReply, cachesClearRequest } from '@shelflink/contracts';
import { hostname } from 'node:os';
import { answerRequests } from './raw-responder.js';

/** This process, as a caches-clear reply names it (host and pid tell replicas apart). */
const replica = `${hostname()}:${process.pid}`;

/**
 * Answers a caches-clear broadcast on every replica (no queue group): runs `clear`, which empties this process's caches
 * and returns how many entries each held, and replies with the service and replica, so the caller can count them.
 */
export function answerCachesClear(
  connection: NatsConnection,
  contract: RequestContract<typeof cachesClearRequest, typeof cachesClearReply>,
  service: CachesClearReply['service'],
  clear: () => Record<string, number>,
): Subscription {
  return answerRequests(connection, contract, undefined, () => Promise.resolve({ service, replica, cleared: clear() }));
}
