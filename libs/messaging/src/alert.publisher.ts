import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { opsAlert, subjects, type OpsAlert } from '@shelflink/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { publishDurable } from './jetstream.js';

/** One observation to announce; `id` defaults to kind, key, state and time (set it where replicas see the same thing). */
export type AlertObservation = Omit<OpsAlert, 'id' | 'source' | 'at'> & { id?: string; at?: Date };

const CAUSE_MAX = 500;

/**
 * Publishes `ops.alert.v1` to the OPS_ALERTS stream (sync-service creates it) in the background: a caller on a hot
 * path (a breaker's state change) never waits and never fails. Publishes are retried while the stream is unreachable
 * (sync-service not started yet, NATS reconnecting), then logged and dropped: a condition that lasts is observed again.
 */
export class AlertPublisher {
  private readonly logger = new Logger(AlertPublisher.name);
  private readonly pending = new Set<Promise<boolean>>();

  constructor(
    private readonly connection: NatsConnection,
    private readonly source: string,
    private readonly retryDelaysMs: readonly number[] = [250, 1_000, 2_000, 5_000, 10_000, 30_000],
  ) {}

  /** Starts publishing; the promise (for tests) says whether JetStream took it. Never throws, never rejects. */
  publish(observation: AlertObservation): Promise<boolean> {
    const parsed = this.toAlert(observation);
    if (!parsed.success) {
      this.logger.error(
        `alert ${observation.kind} ${observation.key} breaks ops.alert.v1: ${parsed.error.issues[0]?.message}`,
      );
      return Promise.resolve(false);
    }
    const alert = parsed.data;
    const publishing = this.publishWithRetries(alert).finally(() => this.pending.delete(publishing));
    this.pending.add(publishing);
    return publishing;
  }

  /** Waits for publishes in flight (graceful shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  private toAlert(observation: AlertObservation) {
    const { at = new Date(), id, ...rest } = observation;
    const atIso = at.toISOString();
    return opsAlert.safeParse({
      ...rest,
      id: id ?? `${rest.kind}:${rest.key}:${rest.state}:${atIso}`,
      cause: rest.cause.slice(0, CAUSE_MAX),
      source: this.source,
      at: atIso,
    });
  }

  private async publishWithRetries(alert: OpsAlert): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await publishDurable(this.connection, subjects.opsAlert, alert, alert.id);
        return true;
      } catch (error) {
        const wait = this.retryDelaysMs[attempt];
        if (wait === undefined || this.connection.isClosed()) {
          this.logger.warn(`alert ${alert.kind} ${alert.key} (${alert.state}) not published: ${String(error)}`);
          return false;
        }
        await delay(wait, undefined, { ref: false });
      }
    }
  }
}
