import { Injectable } from '@nestjs/common';
import type { RecordEntity } from '@shelflink/contracts';
import { DataSource } from 'typeorm';
import { CheckpointRepository, type Checkpoint } from '../checkpoint/checkpoint.repository.js';
import { SyncError } from '../provider/provider.errors.js';
import type { CanonicalRecord, OpenedPage, PageEnd } from '../pullers/puller.port.js';
import { RecordEventsPublisher } from '../records/record-events.publisher.js';
import { RecordsRepository, type ChangedRecord, type RecordSource } from '../records/records.repository.js';
import { syncRecordsTotal } from '../metrics/sync.metrics.js';
import { SyncRunRepository, type RunRow } from './sync-run.repository.js';

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
 * crash re-fetches at most the page in flight. Its records are upserted batch by batch while the rest of the body
 * still arrives, each batch with its feed envelopes (the outbox). Change events go out after the commit.
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
    const changed: ChangedRecord[] = [];
    let records = 0;
    const checkpoint = await this.dataSource.transaction(async (manager) => {
      if (!(await this.runs.renewLease(manager, run, commit.holder, commit.leaseTtlMs))) {
        page.cancel();
        throw new SyncError('LEASE_LOST', `Lease on ${run.connection_id}/${run.stream} was taken over`);
      }
      let upserting: Promise<void> = Promise.resolve();
      // One upsert in flight while the next batch is parsed; its failure surfaces at the next batch or the end.
      const upsert = async (batch: CanonicalRecord[]): Promise<void> => {
        await upserting;
        records += batch.length;
        upserting = this.records
          .upsertBatch(manager, commit.entity, commit.source, batch)
          .then((rows) => void changed.push(...rows));
        upserting.catch(() => undefined);
      };
      let next: Checkpoint;
      try {
        // As soon as the body is read: the caller may request the next page while the last batch is upserted.
        next = commit.checkpointAfter(await page.read(upsert));
      } finally {
        await upserting.catch(() => undefined);
      }
      await upserting;
      const key = {
        tenantId: run.tenant_id,
        connectionId: run.connection_id,
        stream: run.stream,
        partition: commit.partition,
      };
      await this.checkpoints.save(manager, key, next);
      await this.runs.addProgress(manager, run.id, records, changed.length);
      return next;
    });
    this.events.publish(commit.entity, commit.source, changed);
    const labels = { provider: commit.source.provider, entity: commit.entity };
    syncRecordsTotal.inc({ ...labels, result: 'changed' }, changed.length);
    syncRecordsTotal.inc({ ...labels, result: 'unchanged' }, records - changed.length);
    return checkpoint;
  }
}
