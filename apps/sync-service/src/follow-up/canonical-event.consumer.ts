import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { BusError, canonicalEventEnvelope, subjects } from '@shelflink/contracts';
import { DurableConsumer, NatsClient } from '@shelflink/messaging';
import { ProviderCallError } from '@shelflink/resilience';
import { SyncConfig } from '../config/sync.config.js';
import { SyncError } from '../provider/provider.errors.js';
import { FollowUpService } from './follow-up.service.js';

const DURABLE = 'sync-service';
const STREAM_POLL_MS = 2_000;

/** Consumes `events.canonical.v1` from webhook-ingest's stream; waits for the stream if it does not exist yet. */
@Injectable()
export class CanonicalEventConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CanonicalEventConsumer.name);
  private consumer?: DurableConsumer;
  private readonly stopping = new AbortController();

  constructor(
    private readonly nats: NatsClient,
    private readonly followUps: FollowUpService,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.startWhenStreamExists();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.consumer?.stop();
  }

  private async startWhenStreamExists(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        const manager = await jetstreamManager(this.nats.connection);
        await manager.streams.info(this.config.SYNC_EVENTS_STREAM);
        this.consumer = new DurableConsumer(this.nats.connection, {
          stream: this.config.SYNC_EVENTS_STREAM,
          durable: DURABLE,
          filterSubject: subjects.canonicalEvents,
          ackWaitMs: 60_000,
          maxDeliver: 10,
          backoffMs: [1_000, 5_000, 15_000, 60_000],
          handler: (message) => this.handle(message),
          onDeadLetter: async (message, error) =>
            this.logger.error(
              `canonical event ${message.seq} dropped after ${message.info.deliveryCount} attempts: ${String(error)}`,
            ),
        });
        await this.consumer.start();
        return;
      } catch {
        // webhook-ingest creates the stream; until then, look again shortly.
        await delay(STREAM_POLL_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  private async handle(message: JsMsg): Promise<'ack' | 'term'> {
    const parsed = canonicalEventEnvelope.safeParse(message.json());
    if (!parsed.success) return 'term';
    try {
      await this.followUps.handle(parsed.data.payload);
      return 'ack';
    } catch (error) {
      // Unknown connections and permanent provider answers will not improve with retries.
      if (error instanceof BusError && error.code === 'NOT_FOUND') return 'term';
      if (error instanceof SyncError && error.code !== 'LEASE_LOST') return 'term';
      if (error instanceof ProviderCallError && !error.transient) return 'term';
      throw error;
    }
  }
}
