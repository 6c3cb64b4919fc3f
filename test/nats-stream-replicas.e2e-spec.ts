import { jetstreamManager } from '@nats-io/jetstream';
import { canonicalEventsStream, webhookReceivedStream } from '@shelflink/contracts';
import {
  createTestDatabase,
  eventually,
  migrateAll,
  startService,
  startTestNats,
  startTestNatsCluster,
  type ServiceProcess,
  type TestDatabase,
} from '@shelflink/testing';

// The built services with NATS_STREAM_REPLICAS: refused at boot by one nats-server, applied to every stream on a
// three-node cluster (every node's URL in NATS_URL).
describe('NATS_STREAM_REPLICAS (e2e)', () => {
  let database: TestDatabase;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('e2e_replicas');
    migrateAll(database.url);
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await database?.drop();
  });

  it.each([
    ['sync-service', 'SYNC_RUNS'],
    ['webhook-ingest', webhookReceivedStream],
  ] as const)(
    '%s stops at boot with exit 78 and the stream named when one server cannot hold 3 replicas',
    async (name, stream) => {
      const nats = await startTestNats();
      try {
        const env = { ...nats.envFor(name), DATABASE_URL: database.url, NATS_STREAM_REPLICAS: '3' };
        const service = await startService(name, env, { waitReady: false });
        running.push(service);
        await expect(service.exited()).resolves.toBe(78);
        const fatal = service
          .output()
          .split('\n')
          .map((line) => parseJson(line))
          .find((entry) => entry?.level === 'fatal');
        expect(fatal).toMatchObject({ code: 'STREAM_REPLICAS_UNSUPPORTED', stream });
        expect(String(fatal?.msg)).toContain('NATS_STREAM_REPLICAS=3');
      } finally {
        await nats.dispose();
      }
    },
    60_000,
  );

  it('creates every stream with three replicas on a three-node cluster', async () => {
    const cluster = await startTestNatsCluster(3);
    try {
      const envFor = (user: string) => ({
        ...cluster.envFor(user),
        DATABASE_URL: database.url,
        NATS_STREAM_REPLICAS: '3',
      });
      running.push(await startService('webhook-ingest', envFor('webhook-ingest')));
      running.push(await startService('sync-service', envFor('sync-service')));
      const connection = await cluster.connectAs('webhook-ingest');
      try {
        const manager = await jetstreamManager(connection);
        const replicas = async (stream: string) =>
          manager.streams.info(stream).then(
            (info) => info.config.num_replicas,
            () => 0,
          );
        for (const stream of [webhookReceivedStream, canonicalEventsStream, 'SYNC_RUNS'])
          await eventually(async () => (await replicas(stream)) === 3, 30_000);
      } finally {
        await connection.close();
      }
    } finally {
      await Promise.all(running.splice(0).map((service) => service.stop()));
      await cluster.dispose();
    }
  }, 90_000);
});

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
