import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { Clock } from '@shelflink/runtime';
import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { syncDatabase } from '../database/sync.database.js';
import type { CanonicalRecord } from '../pullers/puller.port.js';
import { FeedOutboxRepository } from '../records/feed-outbox.repository.js';
import { RecordsRepository, type RecordSource } from '../records/records.repository.js';
import { ProductIdentityLinker } from './product-identity-linker.service.js';
import { ProductIdentityRepository } from './product-identity.repository.js';
import { ProductIdentityService } from './product-identity.service.js';

type Variant = { externalId: string; sku?: string | null; gtin?: string | null };

/** A canonical product as the pullers hand it over: variants with SKU and GTIN, or the keys on the product itself. */
function product(externalId: string, keys: { variants?: Variant[]; sku?: string; gtin?: string }, version = 1) {
  const record: CanonicalRecord = {
    externalId,
    sourceVersion: String(version),
    sourceUpdatedAt: null,
    deleted: false,
    columns: { title: `Product ${externalId}` },
    data: { title: `Product ${externalId}`, ...keys },
  };
  return record;
}

const GTIN_A = '4006381333931';
const GTIN_B = '036000291452';
const GTIN_C = '96385074';

// Real Postgres, real migrations: identities are linked by the records' own write path (RecordsRepository.upsertBatch).
describe('product identities (int)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let records: RecordsRepository;
  let service: ProductIdentityService;
  const source = (connectionId: string, provider: string, tenantId = 't1'): RecordSource => ({
    tenantId,
    connectionId,
    provider,
  });
  const upsert = (from: RecordSource, batch: CanonicalRecord[]) =>
    dataSource.transaction((manager) => records.upsertBatch(manager, 'products', from, batch));
  const findSku = async (sku: string, tenantId = 't1') => service.find(tenantId, { sku });

  beforeAll(async () => {
    database = await createTestDatabase('int_sync_identity');
    await runServiceMigrations(syncDatabase(database.url));
    dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 6)));
    await dataSource.initialize();
    records = new RecordsRepository(
      dataSource,
      new FeedOutboxRepository(dataSource, new Clock()),
      new ProductIdentityLinker(),
    );
    service = new ProductIdentityService(new ProductIdentityRepository(dataSource));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('links one SKU from four systems into one identity and reports the GTINs it disagrees on', async () => {
    await upsert(source('sq', 'square'), [
      product('SQ1', { variants: [{ externalId: 'SQV1', sku: 'sku-1', gtin: GTIN_A }] }),
    ]);
    await upsert(source('sh', 'shopify'), [
      product('SH1', { variants: [{ externalId: 'SHV1', sku: 'SKU-1', gtin: GTIN_A }] }),
    ]);
    await upsert(source('ns', 'netsuite'), [product('NS1', { sku: 'SKU-1 ', gtin: GTIN_B })]);
    await upsert(source('px', 'plytix'), [product('PX1', { gtin: GTIN_B })]);

    const [identity, ...others] = await findSku('sku-1');
    expect(others).toEqual([]);
    expect(identity).toMatchObject({ sku: 'SKU-1', gtins: ['00036000291452', '04006381333931'] });
    expect(identity?.sources.map((s) => [s.provider, s.entity, s.externalId])).toEqual([
      ['netsuite', 'product', 'NS1'],
      ['plytix', 'product', 'PX1'],
      ['shopify', 'variant', 'SHV1'],
      ['square', 'variant', 'SQV1'],
    ]);
    expect(identity?.conflicts).toEqual([
      {
        kind: 'sku-with-several-gtins',
        key: 'SKU-1',
        values: ['00036000291452', '04006381333931'],
        identities: [identity?.id],
      },
    ]);
    await expect(service.find('t1', { gtin: `0${GTIN_B}` })).resolves.toEqual([identity]);
  });

  it('never merges two SKUs that share a GTIN: two identities and a reported conflict', async () => {
    await upsert(source('sq', 'square'), [
      product('SQ2', { variants: [{ externalId: 'SQV2', sku: 'SKU-2', gtin: GTIN_C }] }),
    ]);
    await upsert(source('px', 'plytix'), [product('PX2', { sku: 'OTHER-2', gtin: GTIN_C })]);

    const holders = await service.find('t1', { gtin: GTIN_C });
    expect(holders.map((h) => h.sku).sort()).toEqual(['OTHER-2', 'SKU-2']);
    const conflict = { kind: 'gtin-on-several-skus', key: '00000096385074', values: ['OTHER-2', 'SKU-2'] };
    for (const holder of holders) expect(holder.conflicts).toEqual([expect.objectContaining(conflict)]);
    const { conflicts } = await service.conflicts('t1', 100);
    expect(conflicts).toEqual(expect.arrayContaining([expect.objectContaining(conflict)]));
  });

  it('follows the records: a dropped variant, a deleted product and an erased connection unlink their sources', async () => {
    const two = [
      { externalId: 'V3a', sku: 'SKU-3A' },
      { externalId: 'V3b', sku: 'SKU-3B' },
    ];
    await upsert(source('sh', 'shopify'), [product('SH3', { variants: two })]);
    expect((await findSku('SKU-3B'))[0]?.sources).toHaveLength(1);
    await upsert(source('sh', 'shopify'), [product('SH3', { variants: two.slice(0, 1) }, 2)]);
    expect((await findSku('SKU-3B'))[0]?.sources).toEqual([]);
    await upsert(source('sh', 'shopify'), [{ ...product('SH3', { variants: two.slice(0, 1) }, 3), deleted: true }]);
    expect((await findSku('SKU-3A'))[0]?.sources).toEqual([]);

    await records.deleteForConnection('t1', 'ns');
    const [identity] = await findSku('SKU-1');
    expect(identity?.sources.map((s) => s.provider)).toEqual(['plytix', 'shopify', 'square']);
  });

  it('keeps a link through updates that leave the keys alone, and moves it when a SKU changes', async () => {
    const variant = (sku: string, title: string) => [{ externalId: 'V4', sku, gtin: null, title }];
    await upsert(source('sq', 'square'), [product('SQ4', { variants: variant('SKU-4', 'Small') })]);
    const [before] = await findSku('SKU-4');
    await upsert(source('sq', 'square'), [product('SQ4', { variants: variant('SKU-4', 'Small, renamed') }, 2)]);
    await expect(findSku('SKU-4')).resolves.toEqual([before]);
    await upsert(source('sq', 'square'), [product('SQ4', { variants: variant('SKU-4B', 'Small, renamed') }, 3)]);
    expect((await findSku('SKU-4'))[0]?.sources).toEqual([]);
    const [moved] = await findSku('SKU-4B');
    expect(moved?.id).not.toBe(before?.id);
    expect(moved?.sources).toEqual([expect.objectContaining({ externalId: 'V4', sku: 'SKU-4B' })]);
  });

  it("keeps tenants apart: the same SKU is another identity, and one tenant's id is NOT_FOUND for another", async () => {
    await upsert(source('sq-t2', 'square', 't2'), [product('SQ1', { variants: [{ externalId: 'V', sku: 'SKU-1' }] })]);
    const [mine] = await findSku('SKU-1', 't2');
    const [theirs] = await findSku('SKU-1', 't1');
    expect(mine?.id).not.toBe(theirs?.id);
    expect(mine?.sources).toHaveLength(1);
    await expect(service.get('t2', theirs?.id ?? '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.get('t1', theirs?.id ?? '')).resolves.toMatchObject({ sku: 'SKU-1' });
  });

  it('makes one identity when two systems bring the same new SKUs at once', async () => {
    const skus = Array.from({ length: 200 }, (_, i) => `RACE-${i}`);
    const batch = (prefix: string, order: string[]) =>
      order.map((sku) => product(`${prefix}-${sku}`, { variants: [{ externalId: `${prefix}-v-${sku}`, sku }] }));
    await Promise.all([
      upsert(source('sq', 'square'), batch('sq', skus)),
      upsert(source('sh', 'shopify'), batch('sh', [...skus].reverse())),
    ]);
    const counts = await dataSource.query(
      `SELECT count(DISTINCT identity_id)::int AS identities, count(*)::int AS sources
       FROM sync.product_identity_sources WHERE tenant_id = 't1' AND sku LIKE 'RACE-%'`,
    );
    expect(counts).toEqual([{ identities: 200, sources: 400 }]);
  });

  it('links products written before identities existed when relinked, page by page, once', async () => {
    const unlinked = new RecordsRepository(dataSource, new FeedOutboxRepository(dataSource, new Clock()), {
      link: () => Promise.resolve(),
    } as unknown as ProductIdentityLinker);
    const old = [1, 2, 3].map((i) => product(`OLD${i}`, { variants: [{ externalId: `OLDV${i}`, sku: `OLD-${i}` }] }));
    const from = source('old', 'shopify', 't3');
    await dataSource.transaction((manager) => unlinked.upsertBatch(manager, 'products', from, old));
    await expect(findSku('OLD-1', 't3')).resolves.toEqual([]);

    let page = await records.relinkProducts('t3', 2);
    expect(page.products).toBe(2);
    page = await records.relinkProducts('t3', 2, page.last);
    expect(page.products).toBe(1);
    for (const sku of ['OLD-1', 'OLD-2', 'OLD-3'])
      expect((await findSku(sku, 't3'))[0]?.sources).toEqual([expect.objectContaining({ provider: 'shopify' })]);
    const [before] = await findSku('OLD-1', 't3');
    await records.relinkProducts('t3', 10);
    await expect(findSku('OLD-1', 't3')).resolves.toEqual([before]);
  });

  it('refuses an invalid GTIN, a blank SKU and a foreign cursor with VALIDATION_FAILED', async () => {
    const refused = { code: 'INVALID_REQUEST', reason: 'VALIDATION_FAILED' };
    await expect(service.find('t1', { gtin: '4006381333932' })).rejects.toMatchObject(refused);
    await expect(service.find('t1', { sku: '   ' })).rejects.toMatchObject(refused);
    await expect(service.conflicts('t1', 10, 'nonsense')).rejects.toMatchObject(refused);
  });
});
