// What linking product identities adds to the product write path: sync-service's own RecordsRepository.upsertBatch
// (500 products of 3 variants a batch, each variant with a SKU and a GTIN) with the real linker beside a linker that
// does nothing, on the same database, alternating each round. Two cases: a first sync (every key new: identities,
// GTIN keys and sources written) and an update of every product that leaves SKUs and GTINs alone (the usual change).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDatabase, postgresServer, prepareBuild } from './lib/stack.mjs';
import { benchSettings, emit, median, row } from './lib/stats.mjs';

const { quick, rounds } = benchSettings();
const BATCH = 500;
const BATCHES = quick ? 4 : 20;
const build = prepareBuild({ skipBuild: true, tag: 'bench-identity' });
const load = (path) => import(pathToFileURL(join(build.distRoot, path)).href);
await import('reflect-metadata');
const { DataSource } = await import('typeorm');
const { serviceDataSourceOptions } = await load('libs/database/src/index.js');
const { Clock } = await load('libs/runtime/src/index.js');
const { syncDatabase } = await load('apps/sync-service/src/database/sync.database.js');
const { RecordsRepository } = await load('apps/sync-service/src/records/records.repository.js');
const { FeedOutboxRepository } = await load('apps/sync-service/src/records/feed-outbox.repository.js');
const { ProductIdentityLinker } = await load('apps/sync-service/src/identity/product-identity-linker.service.js');

/** A valid GTIN-13 for n (the check digit computed). */
function gtin(n) {
  const body = String(n).padStart(12, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

const product = (connection, i, version) => ({
  externalId: `${connection}-${i}`,
  sourceVersion: String(version),
  sourceUpdatedAt: null,
  deleted: false,
  columns: { title: `Product ${i} v${version}` },
  data: {
    title: `Product ${i} v${version}`,
    description: 'd'.repeat(200),
    variants: [0, 1, 2].map((v) => ({
      externalId: `${connection}-${i}-${v}`,
      title: `Size ${v}`,
      sku: `SKU-${i}-${v}`,
      gtin: gtin(i * 3 + v),
      price: { currency: 'USD', amountMinor: String(1000 + version) },
    })),
  },
});

const postgres = await postgresServer();
const database = await createDatabase(postgres.serverUrl, {
  prefix: 'bench_identity',
  migrate: true,
  distRoot: build.distRoot,
});
const dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 4)));
try {
  await dataSource.initialize();
  const noLinking = { link: () => Promise.resolve(), unlinkConnection: () => Promise.resolve() };
  /** Products per second writing BATCHES batches of one connection at `version`. */
  const writeAll = async (linker, connection, version) => {
    const records = new RecordsRepository(dataSource, new FeedOutboxRepository(dataSource, new Clock()), linker);
    const source = { tenantId: 'bench', connectionId: connection, provider: 'square' };
    const started = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const batch = Array.from({ length: BATCH }, (_, k) => product(connection, b * BATCH + k, version));
      await dataSource.transaction((manager) => records.upsertBatch(manager, 'products', source, batch));
    }
    return (BATCH * BATCHES) / ((performance.now() - started) / 1000);
  };
  const figures = { firstOff: [], firstOn: [], updateOff: [], updateOn: [] };
  for (let r = 0; r < rounds; r++) {
    // Each round its own connections, so every key of the linked one is new to the tenant at its first sync.
    figures.firstOff.push(await writeAll(noLinking, `off-${r}`, 1));
    figures.firstOn.push(await writeAll(new ProductIdentityLinker(), `on-${r}`, 1));
    figures.updateOff.push(await writeAll(noLinking, `off-${r}`, 2));
    figures.updateOn.push(await writeAll(new ProductIdentityLinker(), `on-${r}`, 2));
    const ratio = (on, off) => (figures[on][r] / figures[off][r]).toFixed(2);
    console.error(
      `round ${r + 1}: first sync ${ratio('firstOn', 'firstOff')}, ` +
        `updates ${ratio('updateOn', 'updateOff')} of the upsert without linking`,
    );
  }
  const m = Object.fromEntries(Object.entries(figures).map(([key, values]) => [key, median(values)]));
  const floor = 'the same upserts, linking off';
  emit(
    'product-identity',
    [
      row({
        figure: `first sync: products/s with identities linked (${BATCH}/batch, 3 variants each)`,
        value: m.firstOn,
        unit: 'products/s',
        floor,
        floorValue: m.firstOff,
      }),
      row({
        figure: 'updates that keep SKU and GTIN: products/s with linking',
        value: m.updateOn,
        unit: 'products/s',
        floor,
        floorValue: m.updateOff,
        target: '≥ 0.8× floor',
        check: (_value, ratio) => ratio >= 0.8,
      }),
    ],
    { raw: figures },
  );
} finally {
  await dataSource.destroy().catch(() => undefined);
  await database.drop();
  await postgres.stop();
  build.dispose();
}
