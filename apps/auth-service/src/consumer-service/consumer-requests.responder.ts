import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import {
  BusError,
  consumerTbaSignContract,
  consumerTokenGetContract,
  inboxPrefixFor,
  proxyTbaSignContract,
  proxyTokenGetContract,
  serviceOfSubject,
} from '@shelflink/contracts';
import { answerRequests, NatsClient } from '@shelflink/messaging';
import { ConsumerAccessService } from './consumer-access.service.js';

/**
 * `auth.token.get.v1.<service>`, `auth.sign.tba.v1.<service>` and the proxy's on-behalf subjects on the raw connection (queue group `auth-service`).
 * The caller is the subject's last token: the NATS server lets only user `svc-<service>` publish it.
 */
@Injectable()
export class ConsumerRequestsResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly access: ConsumerAccessService,
  ) {}

  onApplicationBootstrap(): void {
    const connection = this.nats.connection;
    this.subscriptions = [
      answerRequests(connection, consumerTokenGetContract, 'auth-service', (request, msg) =>
        this.access.token(serviceOfSubject(msg.subject), request),
      ),
      answerRequests(connection, consumerTbaSignContract, 'auth-service', (request, msg) =>
        this.access.sign(serviceOfSubject(msg.subject), request),
      ),
      // The proxy's requests for a consumer service: sync-service names the service from the subject it received.
      answerRequests(connection, proxyTokenGetContract, 'auth-service', ({ service, ...request }, msg) =>
        fromSyncService(msg.reply, () => this.access.token(service, request)),
      ),
      answerRequests(connection, proxyTbaSignContract, 'auth-service', ({ service, ...request }, msg) =>
        fromSyncService(msg.reply, () => this.access.sign(service, request)),
      ),
    ];
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}

/** Only sync-service (the proxy) may ask on a service's behalf: only its NATS user reads its inbox prefix. */
function fromSyncService<T>(reply: string | undefined, serve: () => Promise<T>): Promise<T> {
  if (!reply?.startsWith(`${inboxPrefixFor('sync-service')}.`)) {
    return Promise.reject(new BusError('FORBIDDEN', 'Only the proxy may ask on behalf of a service'));
  }
  return serve();
}
