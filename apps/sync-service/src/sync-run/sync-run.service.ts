import { Injectable } from '@nestjs/common';
import { BusError, type RecordEntity, type SyncRunView } from '@shelflink/contracts';
import { SyncError } from '../provider/provider.errors.js';
import { SyncConfig } from '../config/sync.config.js';
import { AccountResolver } from '../provider/account.resolver.js';
import { PullerRegistry } from '../pullers/puller.registry.js';
import { ScheduleRepository } from '../schedule/schedule.repository.js';
import { SyncRunQueue } from './sync-run.queue.js';
import { SyncRunRepository, toRunView, type NewRun } from './sync-run.repository.js';

/** Starting runs (on demand, by schedule, by event) and listing them. */
@Injectable()
export class SyncRunService {
  constructor(
    private readonly runs: SyncRunRepository,
    private readonly queue: SyncRunQueue,
    private readonly schedules: ScheduleRepository,
    private readonly accounts: AccountResolver,
    private readonly pullers: PullerRegistry,
    private readonly config: SyncConfig,
  ) {}

  /** Queues one run per stream (default: every stream the provider has) and schedules the streams. */
  async start(request: {
    tenantId: string;
    connectionId: string;
    streams?: RecordEntity[];
    mode: 'incremental' | 'full';
  }): Promise<SyncRunView[]> {
    const supported = await this.syncableStreams(request.tenantId, request.connectionId);
    const streams = (request.streams ?? supported).filter((stream) => supported.includes(stream));
    const views: SyncRunView[] = [];
    for (const stream of streams) {
      const run = await this.enqueue({ ...request, stream, trigger: 'manual' });
      await this.schedules.ensureSchedule(
        request.tenantId,
        request.connectionId,
        stream,
        this.config.SYNC_DEFAULT_INTERVAL_SECONDS,
      );
      views.push(run);
    }
    return views;
  }

  /**
   * The streams a connection's provider can sync.
   * @throws BusError NOT_FOUND for another tenant's or an unknown connection, CONFLICT for one that cannot be synced.
   */
  async syncableStreams(tenantId: string, connectionId: string): Promise<RecordEntity[]> {
    const account = await this.accounts.resolve(tenantId, connectionId).catch((error: unknown) => {
      // The connection exists but cannot be synced (needs re-auth, unknown provider): the caller's problem, not ours.
      if (error instanceof SyncError) throw new BusError('CONFLICT', error.message);
      throw error;
    });
    if (!this.pullers.supports(account.provider))
      throw new BusError('CONFLICT', `${account.provider} connections cannot be synced`);
    return this.pullers.streamsOf(account.provider);
  }

  /** Queues a run unless one is already active for the stream (which is then returned). */
  async enqueue(run: NewRun): Promise<SyncRunView> {
    const { run: row, created } = await this.runs.enqueueOrFindActive(run);
    if (created) await this.queue.publish({ runId: row.id, tenantId: row.tenant_id, connectionId: row.connection_id });
    return toRunView(row);
  }

  /**
   * Republishes runs whose message may be lost: queued ones (JetStream drops a duplicate inside its window) and
   * running ones whose holder died after JetStream gave up redelivering. A duplicate message is harmless: the
   * executor skips finished runs and the lease keeps a stream single-run.
   */
  async republishStale(): Promise<void> {
    const minute = Math.floor(Date.now() / 60_000);
    for (const row of await this.runs.findStaleQueued(60, 100)) {
      await this.queue.publish({ runId: row.id, tenantId: row.tenant_id, connectionId: row.connection_id });
    }
    for (const row of await this.runs.findOrphaned(60, 100)) {
      await this.queue.publish(
        { runId: row.id, tenantId: row.tenant_id, connectionId: row.connection_id },
        `${row.id}:${minute}`,
      );
    }
  }

  async list(
    query: Parameters<SyncRunRepository['listForTenant']>[0],
  ): Promise<{ runs: SyncRunView[]; nextBefore: string | null }> {
    const rows = await this.runs.listForTenant(query);
    const last = rows.at(-1);
    return { runs: rows.map(toRunView), nextBefore: rows.length === query.limit && last ? last.id : null };
  }
}
