import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { BusError, correlationHeader, inboxPrefixFor, serviceNames, tokenGetContract } from '@shelflink/contracts';
import { NatsClient, parseRequest } from '@shelflink/messaging';
import { natsRequestsHandled, runWithCorrelation, sanitizeCorrelationId } from '@shelflink/observability';
import { randomUUID } from 'node:crypto';
import { TokenService } from './token.service.js';

/**
 * `auth.token.get.v1` on the raw NATS connection (queue group `auth-service`): the hottest subject skips the Nest
 * microservice pipeline but keeps its wire shape (plain JSON, `{error: {code, message}}`), correlation ids and
 * counters. Who may ask is decided by the NATS server's permissions, never by anything in the message.
 */
@Injectable()
export class TokenResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TokenResponder.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly tokens: TokenService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.connection.subscribe(tokenGetContract.subject, {
      queue: 'auth-service',
      callback: (error, msg) => {
        if (!error) void this.answer(msg);
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async answer(msg: Msg): Promise<void> {
    const subject = tokenGetContract.subject;
    const correlationId = sanitizeCorrelationId(msg.headers?.get(correlationHeader));
    const reply = await runWithCorrelation(correlationId, async () => {
      try {
        const request = parseRequest(tokenGetContract, decode(msg.data));
        const token = await this.tokens.get(request.tenantId, request.connectionId, recipientOf(msg.reply));
        natsRequestsHandled.inc({ subject, outcome: 'ok' });
        return token;
      } catch (error) {
        if (error instanceof BusError) {
          natsRequestsHandled.inc({ subject, outcome: error.code });
          return { error: { code: error.code, message: error.message } };
        }
        const errorId = randomUUID();
        this.logger.error(
          `Unhandled error ${errorId} on ${subject}: ${error instanceof Error ? error.name : 'unknown'}`,
        );
        natsRequestsHandled.inc({ subject, outcome: 'INTERNAL' });
        return { error: { code: 'INTERNAL', message: `Internal error (errorId ${errorId})` } };
      }
    });
    if (msg.reply) msg.respond(JSON.stringify(reply));
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

function decode(data: Uint8Array): unknown {
  try {
    return data.length === 0 ? {} : JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
