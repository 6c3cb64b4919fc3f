import type { Logger } from '@nestjs/common';

/**
 * A background job on a timer (pruning, keep-alive, gauges read from Postgres): never two runs at once, and a failed
 * run is logged and tried again at the next tick. The timer does not keep the process alive.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<unknown>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** Runs every `intervalMs`, and once now when `immediately`. Starting a started task restarts its timer. */
  start(intervalMs: number, options: { immediately?: boolean } = {}): void {
    this.stop();
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
    if (options.immediately) void this.runOnce();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One run, unless the previous one is still going; resolves when it ends, failure or not. */
  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.task();
    } catch (error) {
      this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
