import { Injectable } from '@nestjs/common';
import { WebhookConfig } from '../config/webhook.config.js';

/** How long after the last delivery intake still counts as busy: closed-loop senders leave gaps shorter than this. */
const quietAfterMs = 50;

/**
 * Whether this process is answering deliveries, and whether they queue: background work gives way while it is, because
 * a provider waits for the 2xx (and gives up after seconds) while processing is asynchronous and durable either way.
 */
@Injectable()
export class IntakeActivity {
  private inFlight = 0;
  private lastEndedAt = -Infinity;
  private lastSaturatedAt = -Infinity;

  constructor(private readonly config: WebhookConfig) {}

  async track<T>(delivery: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.noteSaturation();
    try {
      return await delivery();
    } finally {
      this.noteSaturation();
      this.inFlight--;
      this.lastEndedAt = performance.now();
    }
  }

  get busy(): boolean {
    return this.inFlight > 0 || performance.now() - this.lastEndedAt < quietAfterMs;
  }

  /** Deliveries are queueing here (a burst, or load beyond what the machine answers at once), or were a moment ago. */
  get saturated(): boolean {
    return this.isSaturatedNow() || performance.now() - this.lastSaturatedAt < quietAfterMs;
  }

  private isSaturatedNow(): boolean {
    const threshold = this.config.WEBHOOK_INTAKE_SATURATION_IN_FLIGHT;
    return threshold > 0 && this.inFlight >= threshold;
  }

  private noteSaturation(): void {
    if (this.isSaturatedNow()) this.lastSaturatedAt = performance.now();
  }
}
