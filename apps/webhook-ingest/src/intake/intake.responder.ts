import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { webhookIngestContract } from '@shelflink/contracts';
import { answerRequests, NatsClient } from '@shelflink/messaging';
import { IntakeActivity } from './intake-activity.js';
import { IntakeService } from './intake.service.js';

/** `webhook.ingest.v1` from the gateway, on the raw NATS connection: every webhook crosses it before its 2xx. */
@Injectable()
export class IntakeResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly intake: IntakeService,
    private readonly activity: IntakeActivity,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = answerRequests(this.nats.connection, webhookIngestContract, 'webhook-ingest', (request) =>
      this.activity.track(() => this.intake.receive(request)),
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
