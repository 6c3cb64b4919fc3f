import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SyncConfig } from '../config/sync.config.js';
import { SyncRunService } from '../sync-run/sync-run.service.js';
import { ScheduleRepository } from '../schedule/schedule.repository.js';

const TICK = 'sync-schedule-due-check';

/** Every replica checks for due schedules on a timer; row locks make each due stream start exactly once. */
@Injectable()
export class ScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleService.name);
  private ticking = false;

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly runs: SyncRunService,
    private readonly registry: SchedulerRegistry,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval(
      TICK,
      setInterval(() => void this.tick(), this.config.SYNC_SCHEDULER_TICK_MS),
    );
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', TICK)) this.registry.deleteInterval(TICK);
  }

  /** Queues a run for each due schedule; returns how many were due. */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    try {
      const due = await this.schedules.claimDue(50);
      for (const schedule of due) {
        await this.runs.enqueue({ ...schedule, mode: 'incremental', trigger: 'schedule' });
      }
      await this.runs.republishStale();
      return due.length;
    } catch (error) {
      this.logger.warn(`schedule check failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    } finally {
      this.ticking = false;
    }
  }
}
