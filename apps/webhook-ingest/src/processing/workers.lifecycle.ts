import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NatsClient, StreamSetupError } from '@shelflink/messaging';
import { exitOnStreamSetupError } from '@shelflink/runtime';
import { ensureEventStreams } from './event-streams.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { RetentionService } from '../retention/retention.service.js';
import { BacklogMonitor } from './backlog.monitor.js';
import { EventProcessor } from './event-processor.service.js';

/**
 * Starts the background work once the app is up: streams, the processing consumer, the outbox relay, pruning, the
 * backlog gauges.
 */
@Injectable()
export class WorkersLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkersLifecycle.name);
  private stopped = false;

  constructor(
    private readonly nats: NatsClient,
    private readonly processor: EventProcessor,
    private readonly relay: OutboxRelay,
    private readonly retention: RetentionService,
    private readonly backlog: BacklogMonitor,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    this.retention.start();
    this.backlog.start();
    void this.startConsumer();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.retention.stop();
    this.backlog.stop();
    await this.relay.stop();
    await this.processor.stop();
  }

  /** Intake works without JetStream (rows are the truth); the consumer starts as soon as the streams exist. */
  private async startConsumer(): Promise<void> {
    while (!this.stopped) {
      try {
        await ensureEventStreams(this.nats);
        await this.processor.start();
        return;
      } catch (error) {
        // Retrying cannot fix a configuration the server refuses (replicas, placement): stop with its reason.
        if (error instanceof StreamSetupError) exitOnStreamSetupError(error);
        this.logger.warn(`JetStream not ready, retrying: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }
}
