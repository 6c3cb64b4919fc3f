import { Injectable, Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectionRevokedAtProviderContract,
  subjects,
  webhookReceivedMessage,
  webhookReceivedStream,
  type CanonicalEventPayload,
  type Envelope,
} from '@shelflink/contracts';
import { DurableConsumer, NatsClient, publishDurable, type HandlerOutcome } from '@shelflink/messaging';
import { WebhookConfig } from '../config/webhook.config.js';
import { IntakeActivity } from '../intake-activity/intake-activity.service.js';
import { processorDurable } from './event-streams.js';
import { ReceivedEventRepository, type ReceivedEventRow } from '../received-event/received-event.repository.js';
import { webhookProcessingTotal } from '../metrics/webhook.metrics.js';
import { toCanonicalEvent } from './canonical-event.mapper.js';
import { ComplianceService } from './compliance.service.js';

const REVOKE_TIMEOUT_MS = 5_000;

/**
 * Turns stored events into canonical events for sync-service. Idempotent on (event id, generation): a processed or
 * dead row is acked without effect, and the canonical publish carries a message id JetStream dedupes.
 */
@Injectable()
export class EventProcessor {
  private readonly logger = new Logger(EventProcessor.name);
  private consumer?: DurableConsumer;

  constructor(
    private readonly nats: NatsClient,
    private readonly events: ReceivedEventRepository,
    private readonly config: WebhookConfig,
    private readonly intake: IntakeActivity,
    private readonly compliance: ComplianceService,
  ) {}

  async start(): Promise<void> {
    this.consumer = new DurableConsumer(this.nats.connection, {
      stream: webhookReceivedStream,
      durable: processorDurable,
      ackWaitMs: this.config.WEBHOOK_ACK_WAIT_MS,
      maxDeliver: this.config.WEBHOOK_MAX_DELIVER,
      backoffMs: this.config.WEBHOOK_BACKOFF_MS,
      maxAckPending: this.config.WEBHOOK_MAX_ACK_PENDING,
      concurrency: (waiting) => processingConcurrency(this.config, this.intake.busy, waiting),
      handler: (message) => this.handle(message),
      onDeadLetter: (message, error) => this.deadLetter(message, error),
    });
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(message: JsMsg): Promise<HandlerOutcome> {
    const parsed = webhookReceivedMessage.safeParse(safeJson(message));
    if (!parsed.success) return 'term';
    const { eventId, generation } = parsed.data;
    const row = await this.events.findToProcess(eventId, generation);
    if (!row) return 'ack';
    try {
      // A privacy request is carried out here and goes no further: its body names a customer.
      if (await this.compliance.handle(row)) {
        await this.events.markProcessed(row.id, generation);
        webhookProcessingTotal.inc({ outcome: 'processed' });
        return 'ack';
      }
      const payload = toCanonicalEvent(row);
      if (payload.kind === 'app.uninstalled') await this.reportRevoked(row);
      const envelopeId = generation === 0 ? row.id : `${row.id}.${generation}`;
      const envelope: Envelope<CanonicalEventPayload> = {
        id: envelopeId,
        subject: subjects.canonicalEvents,
        occurredAt: row.receivedAt.toISOString(),
        payload,
      };
      await publishDurable(this.nats.connection, subjects.canonicalEvents, envelope, envelopeId);
      await this.events.markProcessed(row.id, generation);
      webhookProcessingTotal.inc({ outcome: 'processed' });
      await this.pauseBeforeAck(row.id);
      return 'ack';
    } catch (error) {
      webhookProcessingTotal.inc({ outcome: 'retried' });
      await this.events.recordFailure(row.id, generation, describe(error)).catch(() => undefined);
      throw error;
    }
  }

  // The merchant removed the app: auth-service marks the connection for a reconnect (a failure retries the event).
  private async reportRevoked(row: ReceivedEventRow): Promise<void> {
    const { tenantId, connectionId, provider, id: eventId } = row;
    const receivedAt = row.receivedAt.toISOString();
    await this.nats.request(
      connectionRevokedAtProviderContract,
      { tenantId, connectionId, provider, eventId, receivedAt },
      REVOKE_TIMEOUT_MS,
    );
  }

  /** The chaos suite's kill window between a committed effect and its ack; off (0) outside fault tests. */
  private async pauseBeforeAck(eventId: string): Promise<void> {
    const pauseMs = this.config.WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS;
    if (pauseMs === 0) return;
    this.logger.warn(`fault hook: event ${eventId} processed; pausing ${pauseMs} ms before the ack`);
    await sleep(pauseMs);
  }

  private async deadLetter(message: JsMsg, error: unknown): Promise<void> {
    const parsed = webhookReceivedMessage.safeParse(safeJson(message));
    if (!parsed.success) return;
    this.logger.warn(
      `event ${parsed.data.eventId} dead-lettered after ${message.info.deliveryCount} attempts: ${describe(error)}`,
    );
    await this.events.moveToDeadLetter(parsed.data.eventId, parsed.data.generation, describe(error));
    webhookProcessingTotal.inc({ outcome: 'dead_lettered' });
  }
}

/**
 * Narrower while deliveries arrive, so their 2xx comes first; full width once they pause, or when the backlog is long
 * enough that giving way would let sustained traffic grow it without bound.
 */
export function processingConcurrency(
  config: Pick<
    WebhookConfig,
    | 'WEBHOOK_PROCESSING_CONCURRENCY'
    | 'WEBHOOK_PROCESSING_CONCURRENCY_DURING_INTAKE'
    | 'WEBHOOK_PROCESSING_MAX_DEFERRED'
  >,
  intakeBusy: boolean,
  waiting: number,
): number {
  return intakeBusy && waiting < config.WEBHOOK_PROCESSING_MAX_DEFERRED
    ? config.WEBHOOK_PROCESSING_CONCURRENCY_DURING_INTAKE
    : config.WEBHOOK_PROCESSING_CONCURRENCY;
}

function safeJson(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 1_000);
}
