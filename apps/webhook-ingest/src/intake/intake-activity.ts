import { Injectable } from '@nestjs/common';

/** How long after the last delivery intake still counts as busy: closed-loop senders leave gaps shorter than this. */
const quietAfterMs = 50;

/**
 * Whether this process is answering deliveries: processing gives way while it is, because a provider waits for the
 * 2xx (and gives up after seconds) while processing is asynchronous and durable either way.
 */
@Injectable()
export class IntakeActivity {
  private inFlight = 0;
  private lastEndedAt = -Infinity;

  async track<T>(delivery: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await delivery();
    } finally {
      this.inFlight--;
      this.lastEndedAt = performance.now();
    }
  }

  get busy(): boolean {
    return this.inFlight > 0 || performance.now() - this.lastEndedAt < quietAfterMs;
  }
}
