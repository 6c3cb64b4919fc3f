import { serviceDataSourceOptions } from '@shelflink/database';
import { Clock } from '@shelflink/runtime';
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { syncDatabase } from '../apps/sync-service/src/database/sync.database.js';
import { ProductIdentityLinker } from '../apps/sync-service/src/identity/product-identity-linker.service.js';
import type { CanonicalRecord } from '../apps/sync-service/src/pullers/puller.port.js';
import { FeedOutboxRepository } from '../apps/sync-service/src/records/feed-outbox.repository.js';
import { RecordsRepository, type RecordSource } from '../apps/sync-service/src/records/records.repository.js';
import {
  exportEntity,
  mintShopifyToken,
  mintSquareToken,
  SHOPIFY_APP,
  SQUARE_APP,
} from '../apps/sync-service/test/sandbox-accounts.js';
import { canaries, createNetSuiteConnection, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { operatorCli } from './operator-cli.js';
import { connectWithToken, createTenant } from './routing-harness.js';

const MERCHANT = 'MIDENT1';
const SHOP = 'identity-shop.myshopify.com';
const NETSUITE = '2468024_SB1';
const PLYTIX = 'plytix-key';
const SKU = 'SKU-000001-1';

type Json = Record<string, unknown>;
interface SourceView {
  provider: string;
  connectionId: string;
  entity: string;
  externalId: string;
  sku: string | null;
  gtin: string | null;
}
interface IdentityView {
  id: string;
  sku: string | null;
  gtins: string[];
  sources: SourceView[];
  conflicts: { kind: string; key: string; values: string[]; identities: string[] }[];
}

/** A product with one variant carrying the item's SKU and GTIN, the shape the NetSuite and Plytix mappers give. */
const oneVariantProduct = (externalId: string, updatedAt: string, title: unknown, sku: unknown, gtin: unknown) =>
  ({
    externalId,
    sourceVersion: String(Date.parse(updatedAt)),
    sourceUpdatedAt: updatedAt,
    deleted: false,
    columns: { title: typeof title === 'string' ? title : null },
    data: { title, variants: [{ externalId, title, sku, gtin, price: null }] },
  }) satisfies CanonicalRecord;

// One product across systems, across real processes (gateway, auth-service, sync-service, the sandbox): Square,
// Shopify, NetSuite (TBA) and Plytix products all come in through real syncs. The sandbox's data holds no GTIN under
// two SKUs, so the conflict case writes one PIM product through the pullers' own write path
// (RecordsRepository.upsertBatch, in the test process, against the same database).
describe('product identity (e2e)', () => {
  let stack: AuthStack;
  let sync: ServiceProcess | undefined;
  let dataSource: DataSource | undefined;
  const ids = { square: '', shopify: '', netsuite: '', plytix: '' };

  const get = async <T>(path: string, apiKey?: string): Promise<{ status: number; body: T }> => {
    const reply = await stack.admin('GET', path, undefined, apiKey);
    return { status: reply.status, body: reply.body as unknown as T };
  };
  const syncProducts = async (connectionId: string): Promise<void> => {
    const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, { streams: ['products'] });
    expect(started.status).toBe(202);
    const runId = (started.body as unknown as { runs: { id: string }[] }).runs[0]?.id ?? '';
    await eventually(
      async () => (await get<{ status: string }>(`/api/v1/sync-runs/${runId}`)).body.status === 'succeeded',
      60_000,
      100,
    );
  };
  const writeProducts = async (source: RecordSource, records: CanonicalRecord[]): Promise<void> => {
    const database = dataSource as DataSource;
    const repository = new RecordsRepository(
      database,
      new FeedOutboxRepository(database, new Clock()),
      new ProductIdentityLinker(),
    );
    await database.transaction((manager) => repository.upsertBatch(manager, 'products', source, records));
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_product_identity' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerApp(SHOPIFY_APP);
    for (const [provider, account] of [
      ['square', MERCHANT],
      ['shopify', SHOP],
      ['plytix', PLYTIX],
    ] as const)
      stack.sandbox.registerAccount({ provider, account, locations: 1, products: 5, orders: 1 });
    sync = await startService(
      'sync-service',
      syncServiceEnv(stack, {
        SYNC_RETRY_BASE_MS: '50',
      }),
    );
    ids.square = await connectWithToken(stack, stack.apiKey, {
      provider: 'square',
      alias: 'pos',
      accessToken: await mintSquareToken(stack.sandbox.url, MERCHANT),
      metadata: { merchantId: MERCHANT },
    });
    ids.shopify = await connectWithToken(stack, stack.apiKey, {
      provider: 'shopify',
      alias: 'web',
      accessToken: await mintShopifyToken(stack.sandbox.url, SHOP),
      metadata: { shop: SHOP },
    });
    const netsuite = await createNetSuiteConnection(stack, NETSUITE);
    expect(netsuite.status).toBe(201);
    ids.netsuite = (netsuite.body as unknown as { id: string }).id;
    const plytix = await stack.admin('POST', '/api/v1/connections', {
      provider: 'plytix',
      alias: 'pim',
      credentials: { type: 'key-password', apiKey: PLYTIX, password: canaries.apiKeyPassword },
    });
    expect(plytix.status).toBe(201);
    ids.plytix = (plytix.body as unknown as { id: string }).id;
    dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(stack.database.url, 2)));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await sync?.stop();
    await stack?.close();
  });

  it('links a SKU in Square, Shopify and NetSuite and its GTIN in Plytix into one identity with four sources', async () => {
    for (const connectionId of Object.values(ids)) await syncProducts(connectionId);
    const items = await exportEntity(stack.sandbox.url, 'netsuite', NETSUITE, 'item');
    const first = (await exportEntity(stack.sandbox.url, 'plytix', PLYTIX, 'products'))[0] as Json;

    const bySku = await get<{ identities: IdentityView[] }>(`/api/v1/products?sku=${SKU.toLowerCase()}`);
    expect(bySku.status).toBe(200);
    expect(bySku.body.identities).toHaveLength(1);
    const [identity] = bySku.body.identities as [IdentityView];
    expect(identity.sku).toBe(SKU);
    expect(identity.sources.map((s) => [s.provider, s.connectionId])).toEqual([
      ['netsuite', ids.netsuite],
      ['plytix', ids.plytix],
      ['shopify', ids.shopify],
      ['square', ids.square],
    ]);
    expect(identity.sources.find((s) => s.provider === 'plytix')).toMatchObject({ sku: SKU, externalId: first.id });
    const item = items.find((i) => i.itemid === SKU) as Json;
    expect(identity.sources.find((s) => s.provider === 'netsuite')).toMatchObject({ externalId: String(item.id) });
    const square = (await exportEntity(stack.sandbox.url, 'square', MERCHANT, 'catalog')).flatMap(
      (o) => ((o.item_data as Json).variations as Json[]) ?? [],
    );
    const squareVariant = square.find((v) => (v.item_variation_data as Json).sku === SKU) as Json;
    expect(identity.sources.find((s) => s.provider === 'square')).toMatchObject({ externalId: squareVariant.id });

    // The same identity by the PIM's GTIN (NetSuite's upccode too), by id, and on the product records; the sandbox's
    // Square and Shopify stores give this SKU GTINs of their own, which is reported, not hidden.
    const byGtin = await get<{ identities: IdentityView[] }>(`/api/v1/products?gtin=${String(first.gtin)}`);
    expect(byGtin.body.identities.map((i) => i.id)).toEqual([identity.id]);
    await expect(get(`/api/v1/products/${identity.id}`)).resolves.toEqual({ status: 200, body: identity });
    expect(identity.gtins).toHaveLength(3);
    expect(identity.conflicts).toEqual([
      { kind: 'sku-with-several-gtins', key: SKU, values: identity.gtins, identities: [identity.id] },
    ]);
    const record = await get<{ records: { identity: string | null }[] }>(
      `/api/v1/records/products?connectionId=${ids.square}&externalId=${String(
        (await exportEntity(stack.sandbox.url, 'square', MERCHANT, 'catalog'))[0]?.id,
      )}`,
    );
    expect(record.body.records[0]).toMatchObject({
      identities: expect.arrayContaining([expect.objectContaining({ identity: identity.id })]) as unknown,
    });

    const cli = await operatorCli(stack.nats)(['products', 'find', stack.tenantId, '--sku', SKU]);
    expect(cli.code).toBe(0);
    expect((JSON.parse(cli.stdout) as { identities: IdentityView[] }).identities.map((i) => i.id)).toEqual([
      identity.id,
    ]);
  });

  it('reports a GTIN under two SKUs as a conflict and keeps them two identities', async () => {
    const pim = await exportEntity(stack.sandbox.url, 'plytix', PLYTIX, 'products');
    const second = pim[1] as Json;
    // A PIM product that reuses the second item's GTIN under another SKU: a data-entry mistake to surface.
    await writeProducts({ tenantId: stack.tenantId, connectionId: ids.plytix, provider: 'plytix' }, [
      oneVariantProduct('PX-MISTAKE', String(second.modified), 'Mistake', 'PIM-ONLY-9', second.gtin),
    ]);
    const holders = await get<{ identities: IdentityView[] }>(`/api/v1/products?gtin=${String(second.gtin)}`);
    expect(holders.body.identities.map((i) => i.sku).sort()).toEqual(['PIM-ONLY-9', 'SKU-000002-1']);
    const page = await get<{ conflicts: IdentityView['conflicts'] }>('/api/v1/products/conflicts?limit=500');
    expect(page.status).toBe(200);
    expect(page.body.conflicts).toContainEqual({
      kind: 'gtin-on-several-skus',
      key: String(second.gtin).padStart(14, '0'),
      values: ['PIM-ONLY-9', 'SKU-000002-1'],
      identities: expect.arrayContaining(holders.body.identities.map((i) => i.id)),
    });
    const cli = await operatorCli(stack.nats)(['products', 'conflicts', stack.tenantId, '--limit', '500']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('PIM-ONLY-9');
  });

  it('answers bad ids with stable codes and never shows one tenant another tenant’s identity', async () => {
    const [identity] = (await get<{ identities: IdentityView[] }>(`/api/v1/products?sku=${SKU}`)).body.identities;
    await expect(get('/api/v1/products/not-an-id')).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    await expect(get('/api/v1/products/4f1d7e0a-5b8c-4d2e-9f00-123456789abc')).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    await expect(get('/api/v1/products?gtin=4006381333932')).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    await expect(get('/api/v1/products')).resolves.toMatchObject({ status: 400 });

    // Relinking (for records synced before identities existed) changes nothing here: every product is linked.
    const relinked = await operatorCli(stack.nats)(['products', 'relink', stack.tenantId]);
    expect(relinked.code).toBe(0);
    expect((JSON.parse(relinked.stdout) as { products: number }).products).toBeGreaterThanOrEqual(10);
    await expect(get(`/api/v1/products/${identity?.id ?? ''}`)).resolves.toMatchObject({ body: identity });

    const other = await createTenant(stack);
    await expect(get(`/api/v1/products/${identity?.id ?? ''}`, other.apiKey)).resolves.toMatchObject({ status: 404 });
    await expect(get(`/api/v1/products?sku=${SKU}`, other.apiKey)).resolves.toEqual({
      status: 200,
      body: { identities: [] },
    });
  });
});
