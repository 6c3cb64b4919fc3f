import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTestNatsCluster, type TestNatsCluster } from '@shelflink/testing';
import { DurableConsumer, publishDurable } from './jetstream.js';
import { ensureStream } from './streams.js';

// Three real nats-servers with the repo's permissions: webhook-ingest may use JetStream on `webhook.>` subjects.
describe('ensureStream and DurableConsumer on a three-node cluster (int)', () => {
  let cluster: TestNatsCluster;
  let connection: NatsConnection;

  beforeAll(async () => {
    cluster = await startTestNatsCluster(3);
    connection = await cluster.connectAs('webhook-ingest');
  }, 60_000);

  afterAll(async () => {
    await connection.close();
    await cluster.dispose();
  });

  it('scales an existing one-replica stream to three in place, keeping its messages', async () => {
    await ensureStream(connection, { name: 'GROW', subjects: ['webhook.grow'] });
    await publishDurable(connection, 'webhook.grow', { n: 1 }, 'grow-1');
    const manager = await jetstreamManager(connection);
    await manager.consumers.add('GROW', { durable_name: 'grow-worker', ack_policy: AckPolicy.Explicit });
    await ensureStream(connection, { name: 'GROW', subjects: ['webhook.grow'] }, { replicas: 3 });
    await eventually(async () => {
      const info = await manager.streams.info('GROW');
      return info.config.num_replicas === 3 && (info.cluster?.replicas ?? []).filter((r) => r.current).length === 2;
    });
    expect((await manager.streams.info('GROW')).state.messages).toBe(1);
    // Its consumers follow the stream's replicas, so they survive a node loss too.
    await eventually(
      async () => ((await manager.consumers.info('GROW', 'grow-worker')).cluster?.replicas ?? []).length === 2,
    );
  });

  it('names the stream and the tags when the placement fits no server', async () => {
    await expect(
      ensureStream(
        connection,
        { name: 'TAGGED', subjects: ['webhook.tagged'] },
        { replicas: 3, placementTags: ['ssd'] },
      ),
    ).rejects.toMatchObject({ code: 'STREAM_PLACEMENT_IMPOSSIBLE', stream: 'TAGGED' });
  });

  it('keeps publishing and consuming an R3 stream through kill -9 of its leader, each message handled once', async () => {
    await ensureStream(
      connection,
      { name: 'NODELOSS', subjects: ['webhook.nodeloss'], retention: 'workqueue' },
      {
        replicas: 3,
      },
    );
    const handled = new Map<number, number>();
    const consumer = new DurableConsumer(connection, {
      stream: 'NODELOSS',
      durable: 'nodeloss-worker',
      ackWaitMs: 5_000,
      maxDeliver: 10,
      backoffMs: [200],
      handler: (message) => {
        const { i } = message.json<{ i: number }>();
        handled.set(i, (handled.get(i) ?? 0) + 1);
        return Promise.resolve('ack');
      },
      onDeadLetter: () => Promise.resolve(),
    });
    await consumer.start();
    const publish = async (i: number) => {
      // A publish in flight when the leader dies may time out; the same message id makes the retry safe.
      await eventually(() =>
        publishDurable(connection, 'webhook.nodeloss', { i }, `nl-${i}`).then(
          () => true,
          () => false,
        ),
      );
    };
    for (let i = 0; i < 50; i += 1) await publish(i);
    const leader = (await (await jetstreamManager(connection)).streams.info('NODELOSS')).cluster?.leader;
    const index = cluster.nodes.findIndex((node) => node.name === leader);
    expect(index).toBeGreaterThanOrEqual(0);
    await cluster.stop(index, true);
    for (let i = 50; i < 100; i += 1) await publish(i);
    // The pull moves to the new leader after two missed heartbeats (2.5 s apart), not the default 30 s.
    await eventually(() => Promise.resolve(handled.size === 100), 15_000);
    await cluster.start(index);
    await consumer.stop();
    expect([...handled.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // A redelivery (an ack lost with the leader) would be absorbed by the handler's idempotency; count it honestly.
    const repeated = [...handled.values()].filter((count) => count > 1).length;
    expect(repeated).toBeLessThanOrEqual(5);
  }, 90_000);
});

async function eventually(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
