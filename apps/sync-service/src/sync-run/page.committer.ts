import { Injectable } from '@nestjs/common';
import type { RecordEntity } from '@shelflink/contracts';
import { DataSource } from 'typeorm';
import { CheckpointRepository, type Checkpoint } from '../checkpoint/checkpoint.repository.js';
import { SyncError } from '../provider/provider.errors.js';
import type { CanonicalRecord } from '../pullers/puller.port.js';
import { RecordEventsPublisher } from '../records/record-events.publisher.js';
import { RecordsRepository, type RecordSource } from '../records/records.repository.js';
import { SyncRunRepository, type RunRow } from './sync-run.repository.js';

/** What one fetched page changes, committed together. */
export interface PageCommit {
  run: RunRow;
  holder: string;
  leaseTtlMs: number;
  entity: RecordEntity;
  source: RecordSource;
  partition: string;
  records: readonly CanonicalRecord[];
  checkpoint: Checkpoint;
}

/**
 * Commits a page: records, the partition's checkpoint, the run's counters and the lease renewal in ONE transaction,
 * so a crash re-fetches at most the page in flight. Change events go out after the commit.
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

  async commit(page: PageCommit): Promise<number> {
    const { run } = page;
    const changed = await this.dataSource.transaction(async (manager) => {
      if (!(await this.runs.renewLease(manager, run, page.holder, page.leaseTtlMs))) {
        throw new SyncError('LEASE_LOST', `Lease on ${run.connection_id}/${run.stream} was taken over`);
      }
      const rows = await this.records.upsertBatch(page.entity, page.source, page.records, manager);
      const key = {
        tenantId: run.tenant_id,
        connectionId: run.connection_id,
        stream: run.stream,
        partition: page.partition,
      };
      await this.checkpoints.save(manager, key, page.checkpoint);
      await this.runs.addProgress(manager, run.id, page.records.length, rows.length);
      return rows;
    });
    this.events.publish(page.entity, page.source, changed);
    return changed.length;
  }
}
