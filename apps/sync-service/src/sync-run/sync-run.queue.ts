import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { subjects, syncRunRequested, type SyncRunRequested } from '@shelflink/contracts';
import { DurableConsumer, NatsClient, publishDurable } from '@shelflink/messaging';
import type { JsMsg } from '@nats-io/jetstream';
import { SyncConfig } from '../config/sync.config.js';
import { SyncRunExecutor } from './sync-run.executor.js';

export const RUN_STREAM = 'SYNC_RUNS';
const RUN_DURABLE = 'sync-service-runs';

/** Thrown to nak a run message while another replica holds the stream; JetStream redelivers it with backoff. */
class StreamBusy extends Error {}

/** The JetStream work queue of runs: any replica takes one; the Postgres lease keeps a stream single-run. */
@Injectable()
export class SyncRunQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncRunQueue.name);
  private readonly consumers: DurableConsumer[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly executor: SyncRunExecutor,
    private readonly config: SyncConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nats.ensureStream({
      name: RUN_STREAM,
      subjects: [subjects.syncRunRequested],
      retention: 'workqueue',
    });
    // Several pull loops on one durable: each executes one run at a time.
    for (let i = 0; i < this.config.SYNC_RUN_CONCURRENCY; i++) {
      const consumer = new DurableConsumer(this.nats.connection, {
        stream: RUN_STREAM,
        durable: RUN_DURABLE,
        filterSubject: subjects.syncRunRequested,
        ackWaitMs: this.config.SYNC_RUN_ACK_WAIT_MS,
        maxDeliver: this.config.SYNC_RUN_MAX_DELIVER,
        backoffMs: [500, 1_000, 2_000, 5_000],
        maxAckPending: 1_000,
        handler: (message) => this.handle(message),
        onDeadLetter: async (message) =>
          this.logger.error(`run message ${message.seq} given up after ${message.info.deliveryCount} deliveries`),
      });
      await consumer.start();
      this.consumers.push(consumer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  /** Publishes a run request; the message id is the run id, so a republish inside the window is dropped. */
  async publish(request: SyncRunRequested, messageId = request.runId): Promise<void> {
    await publishDurable(this.nats.connection, subjects.syncRunRequested, request, messageId);
  }

  private async handle(message: JsMsg): Promise<'ack' | 'term'> {
    const parsed = syncRunRequested.safeParse(message.json());
    if (!parsed.success) return 'term';
    const outcome = await this.executor.execute(parsed.data.runId, () => message.working());
    if (outcome === 'busy') throw new StreamBusy(`stream of run ${parsed.data.runId} is leased by another replica`);
    return 'ack';
  }
}
