import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { inboxPrefixFor, serviceNames, tokenGetContract } from '@shelflink/contracts';
import { answerRequests, NatsClient } from '@shelflink/messaging';
import { TokenService } from './token.service.js';

/**
 * `auth.token.get.v1` on the raw NATS connection (queue group `auth-service`), the hottest subject. Who may ask is
 * decided by the NATS server's permissions, never by anything in the message.
 */
@Injectable()
export class TokenResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly tokens: TokenService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = answerRequests(this.nats.connection, tokenGetContract, 'auth-service', (request, msg) =>
      this.tokens.get(request.tenantId, request.connectionId, recipientOf(msg.reply), request.refusedTokenFingerprint),
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}

/**
 * The service that will receive the token: only that service's NATS user may subscribe to its inbox prefix, so
 * the reply subject (not anything the caller wrote in the message) says where the token goes.
 */
function recipientOf(reply: string | undefined): string {
  const service = serviceNames.find((name) => reply?.startsWith(`${inboxPrefixFor(name)}.`));
  return service ?? 'unknown';
}
