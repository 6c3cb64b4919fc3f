import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import {
  webhookIngestBatchContract,
  webhookIngestBatchDelivery,
  webhookIngestContract,
  type BusErrorReply,
  type WebhookIngestResponse,
} from '@shelflink/contracts';
import { answerRequests, errorReply, NatsClient, parsePayload } from '@shelflink/messaging';
import { runWithCorrelation, sanitizeCorrelationId } from '@shelflink/observability';
import { IntakeActivity } from '../intake-activity/intake-activity.service.js';
import { IntakeService } from './intake.service.js';

/**
 * `webhook.ingest.v1` and `webhook.ingest.batch.v1` from the gateway, on the raw NATS connection: every webhook crosses
 * one of them before its 2xx.
 */
@Injectable()
export class IntakeResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly intake: IntakeService,
    private readonly activity: IntakeActivity,
  ) {}

  onApplicationBootstrap(): void {
    const connection = this.nats.connection;
    this.subscriptions = [
      answerRequests(connection, webhookIngestContract, 'webhook-ingest', (request) =>
        this.activity.track(() => this.intake.receive(request)),
      ),
      answerRequests(connection, webhookIngestBatchContract, 'webhook-ingest', async (request) => ({
        results: await Promise.all(request.deliveries.map((delivery) => this.receiveOne(delivery))),
      })),
    ];
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** One delivery of a batch, judged alone: its failure is its own result, never the batch's. */
  private async receiveOne(delivery: unknown): Promise<WebhookIngestResponse | BusErrorReply> {
    try {
      const request = parsePayload(webhookIngestBatchDelivery, delivery, 'delivery');
      return await runWithCorrelation(sanitizeCorrelationId(request.correlationId), () =>
        this.activity.track(() => this.intake.receive(request)),
      );
    } catch (error) {
      return errorReply(webhookIngestBatchContract.subject, error);
    }
  }
}
