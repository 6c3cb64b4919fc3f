import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { feedStreamFor, recordFeedSubject } from '@shelflink/contracts';
import { NatsClient, publishDurable } from '@shelflink/messaging';
import { natsSettingsFrom } from '@shelflink/runtime';
import { eventually, startTestNats, type TestNats } from '@shelflink/testing';
import { syncConfig } from '../../test/factories.js';
import { FeedStreams, type FeedGrant } from './feed-streams.service.js';

// A consumer service's FEED_<NAME> on a real nats-server with the repo's config, as sync-service's user makes it:
// only its granted tenants' changes, purged of a tenant that leaves the grant, gone with the service.
describe('FeedStreams (int)', () => {
  let nats: TestNats;
  let client: NatsClient;
  let streams: FeedStreams;
  let manager: JetStreamManager;
  const stream = feedStreamFor('feed-a');
  const grant = (change: Partial<FeedGrant>): FeedGrant => ({
    name: 'feed-a',
    tenants: ['t1', 't2'],
    providers: [],
    connections: [],
    removed: false,
    ...change,
  });
  const subjectsIn = async () => {
    const info = await manager.streams.info(stream, { subjects_filter: '>' });
    return Object.entries(info.state.subjects ?? {}).sort();
  };

  beforeAll(async () => {
    nats = await startTestNats();
    const config = syncConfig({ ...nats.envFor('sync-service'), DATABASE_URL: 'postgres://unused' });
    client = await NatsClient.connect('sync-service', natsSettingsFrom(config));
    streams = new FeedStreams(client, config);
    manager = await jetstreamManager(client.connection);
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    await nats.dispose();
  });

  it('copies only granted tenants, purges a tenant leaving the grant, and deletes the stream with the service', async () => {
    await streams.apply(grant({}));
    for (const [tenant, id] of [
      ['t1', 'a'],
      ['t1', 'b'],
      ['t2', 'c'],
      ['t3', 'd'],
    ] as const) {
      await streams.ensureTenant(tenant);
      await publishDurable(client.connection, recordFeedSubject(tenant, 'orders'), { id }, id);
    }
    await eventually(async () => (await manager.streams.info(stream)).state.messages === 3, 10_000, 50);
    expect(await subjectsIn()).toEqual([
      [recordFeedSubject('t1', 'orders'), 2],
      [recordFeedSubject('t2', 'orders'), 1],
    ]);

    await streams.apply(grant({ tenants: ['t1'] }));
    expect(await subjectsIn()).toEqual([[recordFeedSubject('t1', 'orders'), 2]]);
    expect((await manager.streams.info(stream)).config.sources?.map((s) => s.name)).toEqual(['RECORDS_FEED_t1']);

    // A grant narrowed to providers cannot be expressed by the feed's subjects: no feed rather than too much.
    await streams.apply(grant({ providers: ['square'] }));
    await expect(manager.streams.info(stream)).rejects.toThrow();
    await streams.apply(grant({}));
    await streams.apply(grant({ removed: true }));
    await expect(manager.streams.info(stream)).rejects.toThrow();
  });
});
