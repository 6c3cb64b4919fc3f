import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { opsAlert, opsAlertsStream, subjects } from '@shelflink/contracts';
import { DurableConsumer, NatsClient } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { SyncConfig } from '../config/sync.config.js';
import { AlertService } from './alert.service.js';

const ALERTS_DURABLE = 'sync-service-alerts';

/**
 * Creates OPS_ALERTS (every service publishes `ops.alert.v1` there), applies each observation to the alert states
 * through one durable consumer shared by the replicas, and announces held resolutions on a timer.
 */
@Injectable()
export class AlertStreamConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertStreamConsumer.name);
  private consumer?: DurableConsumer;
  private readonly resolutions = new PeriodicTask('alert resolutions', () => this.alerts.resolveHeld(), this.logger);

  constructor(
    private readonly nats: NatsClient,
    private readonly alerts: AlertService,
    private readonly config: SyncConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nats.ensureStream({
      name: opsAlertsStream,
      subjects: [subjects.opsAlert],
      retention: 'limits',
      maxAgeMs: this.config.SYNC_ALERT_RETENTION_HOURS * 3_600_000,
    });
    this.consumer = new DurableConsumer(this.nats.connection, {
      stream: opsAlertsStream,
      durable: ALERTS_DURABLE,
      ackWaitMs: 30_000,
      maxDeliver: 20,
      backoffMs: [500, 1_000, 5_000, 15_000],
      handler: (message) => this.handle(message),
      onDeadLetter: async (message, error) =>
        this.logger.error(`alert message ${message.seq} given up: ${String(error)}`),
    });
    await this.consumer.start();
    this.resolutions.start(this.config.SYNC_ALERT_TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.resolutions.stop();
    await this.consumer?.stop();
  }

  private async handle(message: JsMsg): Promise<'ack' | 'term'> {
    const parsed = opsAlert.safeParse(jsonOf(message));
    if (!parsed.success) {
      this.logger.warn(`dropped a malformed ops.alert.v1 (seq ${message.seq})`);
      return 'term';
    }
    await this.alerts.observe(parsed.data);
    return 'ack';
  }
}

function jsonOf(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}
