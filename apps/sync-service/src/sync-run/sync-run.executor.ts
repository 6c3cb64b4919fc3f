import { Injectable, Logger } from '@nestjs/common';
import { classifyFailure } from '@shelflink/resilience';
import { BusError, type RecordEntity } from '@shelflink/contracts';
import { describeUnexpected } from '@shelflink/observability';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CheckpointRepository, type Checkpoint } from '../checkpoint/checkpoint.repository.js';
import { SyncConfig } from '../config/sync.config.js';
import { AccountResolver } from '../provider/account.resolver.js';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { SyncError } from '../provider/provider.errors.js';
import { newerTimestamp, type OpenedPage, type PageEnd, type StreamPuller } from '../pullers/puller.port.js';
import { PullerRegistry } from '../pullers/puller.registry.js';
import { ScheduleRepository } from '../schedule/schedule.repository.js';
import { observeRunEnd } from '../metrics/sync.metrics.js';
import { PageCommitter } from './page.committer.js';
import { errorSummary } from './sync-run.errors.js';
import { SyncRunRepository, type RunRow } from './sync-run.repository.js';

/** A page whose body keeps breaking off is given up after this many reads (the run fails, and is retried later). */
const MAX_READS_PER_PAGE = 3;

/** `finished`: ack; `busy`: another replica holds the stream, retry later. */
export type ExecuteOutcome = 'finished' | 'busy';

/** Runs one sync run under the stream's lease: partitions, pages, checkpoints, final status. */
@Injectable()
export class SyncRunExecutor {
  private readonly logger = new Logger(SyncRunExecutor.name);
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly checkpoints: CheckpointRepository,
    private readonly pullers: PullerRegistry,
    private readonly accounts: AccountResolver,
    private readonly committer: PageCommitter,
    private readonly schedules: ScheduleRepository,
    private readonly config: SyncConfig,
  ) {}

  async execute(runId: string, heartbeat: () => void = () => undefined): Promise<ExecuteOutcome> {
    const run = await this.runs.findById(runId);
    if (!run || run.status === 'succeeded' || run.status === 'failed') return 'finished';
    const ttl = this.config.SYNC_LEASE_TTL_MS;
    if (!(await this.runs.acquireLease(run, this.holder, ttl))) return 'busy';
    const keepAlive = setInterval(
      () => {
        heartbeat();
        void this.runs.acquireLease(run, this.holder, ttl).catch(() => undefined);
      },
      Math.max(250, Math.floor(ttl / 3)),
    );
    const startedAt = performance.now();
    let provider = 'unknown';
    try {
      const account = await this.startRun(run);
      provider = account.provider;
      await this.pullAll(run, account);
      await this.runs.finish(run.id, 'succeeded');
      observeRunEnd({ provider, stream: run.stream, outcome: 'succeeded' }, startedAt);
    } catch (error) {
      if (error instanceof SyncError && error.code === 'LEASE_LOST') return 'finished';
      const summary = errorSummary(error);
      const detail = summary.code === 'INTERNAL' ? `\n${describeUnexpected(error)}` : '';
      this.logger.warn(
        `run ${run.id} (${run.connection_id}/${run.stream}) failed: ${summary.code}: ${summary.message}${detail}`,
      );
      await this.runs.finish(run.id, 'failed', summary);
      observeRunEnd({ provider, stream: run.stream, outcome: 'failed' }, startedAt);
      if (connectionGone(error)) await this.unschedule(run);
    } finally {
      clearInterval(keepAlive);
      await this.runs.releaseLease(run, this.holder).catch(() => undefined);
    }
    return 'finished';
  }

  // A revoked or deleted connection never syncs again: scheduling it would only fail every interval and read as stale.
  private async unschedule(run: RunRow): Promise<void> {
    const removed = await this.schedules.removeForConnection(run.tenant_id, run.connection_id).catch(() => 0);
    if (removed > 0) this.logger.log(`connection ${run.connection_id} is gone: removed its ${removed} schedule(s)`);
  }

  /** Marks the run running and resolves its connection's provider account. */
  private async startRun(run: RunRow): Promise<ProviderAccount> {
    const attempt = await this.runs.markRunning(run.id);
    // A backfill discards the checkpoints once; a resumed backfill continues from where it crashed.
    if (run.mode === 'full' && attempt === 1)
      await this.checkpoints.resetStream(run.tenant_id, run.connection_id, run.stream);
    return this.accounts.resolve(run.tenant_id, run.connection_id);
  }

  private async pullAll(run: RunRow, account: ProviderAccount): Promise<void> {
    const stream = run.stream as RecordEntity;
    const puller = this.pullers.stream(account.provider, stream);
    for (const partition of await puller.partitions(account)) {
      if (await this.finishedByEarlierAttempt(run, partition)) continue;
      await this.pullPartition(run, account, puller, partition);
    }
  }

  // A resumed run skips the partitions an earlier attempt completed: re-reading them from their new watermark would
  // re-fetch a page per crash on top of the one that was in flight.
  private async finishedByEarlierAttempt(run: RunRow, partition: string): Promise<boolean> {
    if (run.started_at === null) return false;
    const key = { tenantId: run.tenant_id, connectionId: run.connection_id, stream: run.stream, partition };
    return this.checkpoints.chainEndedSince(key, run.started_at);
  }

  private async pullPartition(
    run: RunRow,
    account: ProviderAccount,
    puller: StreamPuller,
    partition: string,
  ): Promise<void> {
    let checkpoint = await this.checkpoints.findForPartition(run.tenant_id, run.connection_id, run.stream, partition);
    let reads = 0;
    // The next page is requested once this one's body is read: the provider prepares it while this one commits.
    const ahead: { page?: Promise<OpenedPage | 'restart'> } = {};
    for (;;) {
      const page = await (ahead.page ?? this.openOrRestart(account, puller, partition, checkpoint));
      ahead.page = undefined;
      if (page === 'restart') {
        checkpoint = { ...checkpoint, cursor: null, chainWatermark: null };
        continue;
      }
      const from = checkpoint;
      try {
        checkpoint = await this.committer.commit({
          run,
          holder: this.holder,
          leaseTtlMs: this.config.SYNC_LEASE_TTL_MS,
          entity: puller.entity,
          source: { tenantId: run.tenant_id, connectionId: run.connection_id, provider: account.provider },
          partition,
          page,
          checkpointAfter: (end) => {
            const after = advance(from, end);
            if (after.cursor !== null) ahead.page = this.openAhead(account, puller, partition, after);
            return after;
          },
        });
      } catch (error) {
        // The page read ahead follows a page that did not commit.
        discard(ahead.page);
        ahead.page = undefined;
        // A body cut short rolled its page back: read the same page again, a few times at most.
        if (classifyFailure(error) === 'transient' && ++reads < MAX_READS_PER_PAGE) continue;
        throw error;
      }
      reads = 0;
      if (checkpoint.cursor === null) return;
    }
  }

  /** {@link openOrRestart} started early: a failure is handled when the page is awaited, not reported before. */
  private openAhead(
    account: ProviderAccount,
    puller: StreamPuller,
    partition: string,
    checkpoint: Checkpoint,
  ): Promise<OpenedPage | 'restart'> {
    const opening = this.openOrRestart(account, puller, partition, checkpoint);
    opening.catch(() => undefined);
    return opening;
  }

  // An expired cursor restarts the chain from the committed watermark (at most one chain is re-read).
  private async openOrRestart(
    account: ProviderAccount,
    puller: StreamPuller,
    partition: string,
    checkpoint: Checkpoint,
  ): Promise<OpenedPage | 'restart'> {
    try {
      return await puller.fetchPage(account, partition, { cursor: checkpoint.cursor, watermark: checkpoint.watermark });
    } catch (error) {
      if (error instanceof SyncError && error.code === 'CURSOR_EXPIRED' && checkpoint.cursor !== null) return 'restart';
      throw error;
    }
  }
}

/** Lets go of a page opened ahead that will not be read. */
function discard(opening: Promise<OpenedPage | 'restart'> | undefined): void {
  void opening?.then(
    (page) => page !== 'restart' && page.cancel(),
    () => undefined,
  );
}

function connectionGone(error: unknown): boolean {
  return (
    (error instanceof SyncError && error.code === 'CONNECTION_REVOKED') ||
    (error instanceof BusError && error.code === 'NOT_FOUND')
  );
}

/** The checkpoint after a page: mid-chain keeps the cursor; the chain's end moves the watermark. */
export function advance(checkpoint: Checkpoint, page: PageEnd): Checkpoint {
  const chainWatermark = newerTimestamp(checkpoint.chainWatermark, page.newestSeen);
  if (page.nextCursor !== null) return { watermark: checkpoint.watermark, cursor: page.nextCursor, chainWatermark };
  return { watermark: newerTimestamp(checkpoint.watermark, chainWatermark), cursor: null, chainWatermark: null };
}
