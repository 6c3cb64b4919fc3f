import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { consumerTbaSignContract, consumerTokenGetContract, serviceOfSubject } from '@shelflink/contracts';
import { answerRequests, NatsClient } from '@shelflink/messaging';
import { ConsumerAccessService } from './consumer-access.service.js';

/**
 * `auth.token.get.v1.<service>` and `auth.sign.tba.v1.<service>` on the raw connection (queue group `auth-service`).
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
    ];
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}
