import { Injectable } from '@nestjs/common';
import type { RecordEntity } from '@shelflink/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CheckpointRepository, type Checkpoint } from '../checkpoint/checkpoint.repository.js';
import { SyncError } from '../provider/provider.errors.js';
import type { CanonicalRecord, OpenedPage, PageEnd } from '../pullers/puller.port.js';
import { RecordEventsPublisher } from '../records/record-events.publisher.js';
import { RecordsRepository, type ChangedRecord, type RecordSource } from '../records/records.repository.js';
import { syncRecordsTotal } from '../metrics/sync.metrics.js';
import { PageUpsertQueue } from './page-upsert.queue.js';
import { SyncRunRepository, type RunRow } from './sync-run.repository.js';

/** Records parsed ahead of the upserts before the page's reader waits (a page of Square orders). */
const MAX_WAITING_RECORDS = 1000;

/** One page to read and commit. */
export interface PageCommit {
  run: RunRow;
  holder: string;
  leaseTtlMs: number;
  entity: RecordEntity;
  source: RecordSource;
  partition: string;
  page: OpenedPage;
  /** The partition's checkpoint once this page is in, from where the page says the chain goes (asked once read). */
  checkpointAfter(end: PageEnd): Checkpoint;
}

/**
 * Reads a page into ONE transaction with the partition's checkpoint, the run's counters and the lease renewal, so a
 * crash re-fetches at most the page in flight. Its records are upserted while the rest of the body still arrives,
 * each statement with its feed envelopes (the outbox); batches parsed while one runs go in the next together.
 * Change events go out after the commit.
 */
@Injectable()
export class PageCommitter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly records: RecordsRepository,
    private readonly checkpoints: CheckpointRepository,
    private readonly runs: SyncRunRepository,
    private readonly events: RecordEventsPublisher,
  ) {}

  /** Returns the checkpoint committed with the page. */
  async commit(commit: PageCommit): Promise<Checkpoint> {
    const { run, page } = commit;
    // The body is read from now on; its statements wait for the transaction's START and lease renewal (round trips
    // that were ahead of the read, on every page's critical path).
    const opened = transactionGate();
    const reading = this.upsertPage(opened.promise, commit);
    reading.catch(() => undefined);
    let written: Awaited<typeof reading>;
    try {
      written = await this.dataSource.transaction(async (manager) => {
        if (!(await this.runs.renewLease(manager, run, commit.holder, commit.leaseTtlMs)))
          throw new SyncError('LEASE_LOST', `Lease on ${run.connection_id}/${run.stream} was taken over`);
        opened.resolve(manager);
        const upserted = await reading;
        const key = {
          tenantId: run.tenant_id,
          connectionId: run.connection_id,
          stream: run.stream,
          partition: commit.partition,
        };
        const progress = { records: upserted.records, changed: upserted.changed.length };
        await this.runs.addProgress(manager, run.id, progress, this.checkpoints.saveSql(key, upserted.next));
        return upserted;
      });
    } catch (error) {
      // A transaction that never took the page (START or the lease failed) stops its read; no statement runs after.
      opened.reject(error);
      page.cancel();
      await reading.catch(() => undefined);
      throw error;
    }
    const { changed, records } = written;
    this.events.publish(commit.entity, commit.source, changed);
    const labels = { provider: commit.source.provider, entity: commit.entity };
    syncRecordsTotal.inc({ ...labels, result: 'changed' }, changed.length);
    syncRecordsTotal.inc({ ...labels, result: 'unchanged' }, records - changed.length);
    return written.next;
  }

  /** Reads the page's body into upserts as it arrives; resolves once all are in, with the checkpoint after it. */
  private async upsertPage(
    transaction: Promise<EntityManager>,
    commit: PageCommit,
  ): Promise<{ next: Checkpoint; records: number; changed: ChangedRecord[] }> {
    const changed: ChangedRecord[] = [];
    let records = 0;
    const queue = new PageUpsertQueue(async (batch) => {
      const manager = await transaction;
      changed.push(...(await this.records.upsertBatch(manager, commit.entity, commit.source, batch)));
    }, MAX_WAITING_RECORDS);
    const upsert = (batch: CanonicalRecord[]): Promise<void> => {
      records += batch.length;
      return queue.add(batch);
    };
    let next: Checkpoint;
    try {
      // As soon as the body is read: the caller may request the next page while the last batch is upserted.
      next = commit.checkpointAfter(await commit.page.read(upsert));
    } catch (error) {
      // No statement may still run when the transaction rolls back.
      await queue.abandon();
      throw error;
    }
    await queue.drain();
    return { next, records, changed };
  }
}

/** The page's transaction once it holds the lease: awaited by the page's statements, rejected if it never does. */
function transactionGate(): {
  promise: Promise<EntityManager>;
  resolve(manager: EntityManager): void;
  reject(error: unknown): void;
} {
  let resolve: (manager: EntityManager) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<EntityManager>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
