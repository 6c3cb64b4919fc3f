import type { DataSource, EntityManager } from 'typeorm';
import type { CheckpointRepository } from '../checkpoint/checkpoint.repository.js';
import type { CanonicalRecord, OpenedPage, PageEnd } from '../pullers/puller.port.js';
import type { RecordEventsPublisher } from '../records/record-events.publisher.js';
import type { RecordsRepository } from '../records/records.repository.js';
import { canonicalRecord } from './canonical-record.factory.js';
import { PageCommitter, type PageCommit } from './page.committer.js';
import type { RunRow, SyncRunRepository } from './sync-run.repository.js';

/** A streamed page: hands over one batch at once, then its body ends when the test says so (or breaks off on cancel). */
function streamingPage() {
  let end: (value: PageEnd) => void = () => undefined;
  let broken: (error: Error) => void = () => undefined;
  const events: string[] = [];
  const page: OpenedPage = {
    read: async (onBatch) => {
      events.push('read');
      const ended = new Promise<PageEnd>((resolve, reject) => {
        end = resolve;
        broken = reject;
      });
      await onBatch([canonicalRecord(1)]);
      return ended;
    },
    cancel: () => {
      events.push('cancel');
      broken(new Error('body cancelled'));
    },
  };
  return { page, events, end: () => end({ nextCursor: null, newestSeen: null }) };
}

function committerWith(leaseHeld: Promise<boolean>) {
  const statements: string[] = [];
  const manager = {} as EntityManager;
  const dataSource = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>) => work(manager),
  } as unknown as DataSource;
  const records = {
    upsertBatch: async (_m: EntityManager, _e: unknown, _s: unknown, batch: CanonicalRecord[]) => {
      statements.push(`upsert ${batch.length}`);
      return [];
    },
  } as unknown as RecordsRepository;
  const checkpoints = { saveSql: () => ({ sql: () => '', params: [] }) } as unknown as CheckpointRepository;
  const runs = {
    renewLease: () => leaseHeld,
    addProgress: async () => void statements.push('progress'),
  } as unknown as SyncRunRepository;
  const events = { publish: () => undefined } as unknown as RecordEventsPublisher;
  return { committer: new PageCommitter(dataSource, records, checkpoints, runs, events), statements };
}

function pageCommit(page: OpenedPage): PageCommit {
  const run = { id: 'run', tenant_id: 't', connection_id: 'c', stream: 'products' } as RunRow;
  return {
    run,
    holder: 'me',
    leaseTtlMs: 30_000,
    entity: 'products',
    source: { tenantId: 't', connectionId: 'c', provider: 'netsuite' },
    partition: 'all',
    page,
    checkpointAfter: () => ({ watermark: null, cursor: null, chainWatermark: null }),
  };
}

describe('PageCommitter', () => {
  it('reads the body while the lease is renewed; its statements wait for the lease', async () => {
    let hold: (held: boolean) => void = () => undefined;
    const { committer, statements } = committerWith(new Promise((resolve) => (hold = resolve)));
    const { page, events, end } = streamingPage();
    const committed = committer.commit(pageCommit(page));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['read']);
    expect(statements).toEqual([]);
    hold(true);
    end();
    await committed;
    expect(statements).toEqual(['upsert 1', 'progress']);
  });

  it('stops the read and runs no statement when the lease was taken over', async () => {
    const { committer, statements } = committerWith(Promise.resolve(false));
    const { page, events } = streamingPage();
    await expect(committer.commit(pageCommit(page))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(events).toEqual(['read', 'cancel']);
    expect(statements).toEqual([]);
  });
});
