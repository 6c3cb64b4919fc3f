import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from '@shelflink/testing';
import { DurableConsumer, publishDurable, publishDurableBatch, type DurableConsumerSpec } from './jetstream.js';
import { ensureStream, StreamSetupError } from './streams.js';

// A real nats-server with the repo's permissions: webhook-ingest may use JetStream on `webhook.>` subjects.
describe('ensureStream and DurableConsumer on one server (int)', () => {
  let nats: TestNats;
  let connection: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    connection = await nats.connectAs('webhook-ingest');
  });

  afterAll(async () => {
    await connection.close();
    await nats.dispose();
  });

  async function consume(name: string, count: number, spec: Partial<DurableConsumerSpec>) {
    await ensureStream(connection, { name, subjects: [`webhook.${name}`], retention: 'workqueue' });
    for (let i = 0; i < count; i += 1) await publishDurable(connection, `webhook.${name}`, { i }, `${name}-${i}`);
    const consumer = new DurableConsumer(connection, {
      stream: name,
      durable: `${name}-worker`,
      ackWaitMs: 30_000,
      maxDeliver: 2,
      backoffMs: [100],
      handler: () => Promise.resolve('ack'),
      onDeadLetter: () => Promise.resolve(),
      ...spec,
    });
    await consumer.start();
    return consumer;
  }

  it('handles at most `concurrency` messages at once, and all of them', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const handled = new Set<number>();
    const consumer = await consume('CONCURRENT', 40, {
      concurrency: 4,
      handler: async (message) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        handled.add(message.json<{ i: number }>().i);
        running -= 1;
        return 'ack';
      },
    });
    await waitFor(() => handled.size === 40);
    await consumer.stop();
    expect(mostAtOnce).toBe(4);
  });

  it('asks a concurrency function again before each message', async () => {
    let limit = 2;
    let running = 0;
    const mostAtOnce = { low: 0, high: 0 };
    let handled = 0;
    const waitingSeen: number[] = [];
    const consumer = await consume('ADAPTIVE', 40, {
      concurrency: (waiting) => {
        waitingSeen.push(waiting);
        return limit;
      },
      handler: async () => {
        running += 1;
        const phase = limit === 2 ? 'low' : 'high';
        mostAtOnce[phase] = Math.max(mostAtOnce[phase], running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        handled += 1;
        if (handled === 10) limit = 6;
        return 'ack';
      },
    });
    await waitFor(() => handled === 40);
    await consumer.stop();
    expect(mostAtOnce).toEqual({ low: 2, high: 6 });
    // Asked with the messages still waiting behind the one at hand: 39 behind the first, none behind the last.
    expect(waitingSeen[0]).toBe(39);
    expect(waitingSeen.at(-1)).toBe(0);
  });

  it('keeps consuming concurrently after handlers throw, and dead-letters after maxDeliver', async () => {
    const handled = new Set<number>();
    const deadLettered: number[] = [];
    const consumer = await consume('THROWING', 20, {
      concurrency: 8,
      handler: (message) => {
        const { i } = message.json<{ i: number }>();
        if (i % 5 === 0) return Promise.reject(new Error(`poison ${i}`));
        handled.add(i);
        return Promise.resolve('ack');
      },
      onDeadLetter: (message) => {
        deadLettered.push(message.json<{ i: number }>().i);
        return Promise.resolve();
      },
    });
    await waitFor(() => handled.size === 16 && deadLettered.length === 4);
    await consumer.stop();
    expect(deadLettered.sort((a, b) => a - b)).toEqual([0, 5, 10, 15]);
  });

  it('creates a stream with one replica, then updates it in place', async () => {
    await ensureStream(connection, { name: 'ONE', subjects: ['webhook.one'] });
    await ensureStream(connection, { name: 'ONE', subjects: ['webhook.one'], maxAgeMs: 3_600_000 });
    const info = await (await jetstreamManager(connection)).streams.info('ONE');
    expect(info.config.num_replicas).toBe(1);
    expect(info.config.max_age).toBe(3_600_000 * 1_000_000);
  });

  it('refuses three replicas with a stable code naming the stream, and creates nothing', async () => {
    const failure = await ensureStream(
      connection,
      { name: 'THREE', subjects: ['webhook.three'] },
      { replicas: 3 },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StreamSetupError);
    expect(failure).toMatchObject({ code: 'STREAM_REPLICAS_UNSUPPORTED', stream: 'THREE' });
    expect(String((failure as Error).message)).toMatch(
      /^STREAM_REPLICAS_UNSUPPORTED: stream THREE: .*NATS_STREAM_REPLICAS=3/,
    );
    const names = await (await jetstreamManager(connection)).streams.names().next();
    expect(names).not.toContain('THREE');
  });

  it('refuses an update the server cannot make (retention) as STREAM_UPDATE_REFUSED', async () => {
    await ensureStream(connection, { name: 'KEEP', subjects: ['webhook.keep'], retention: 'limits' });
    await expect(
      ensureStream(connection, { name: 'KEEP', subjects: ['webhook.keep'], retention: 'workqueue' }),
    ).rejects.toMatchObject({ code: 'STREAM_UPDATE_REFUSED', stream: 'KEEP' });
  });

  it('creates its consumer again when it is deleted while consuming, and goes on', async () => {
    const handled = new Set<number>();
    const consumer = await consume('RECREATE', 5, {
      handler: (message) => {
        handled.add(message.json<{ i: number }>().i);
        return Promise.resolve('ack');
      },
    });
    await waitFor(() => handled.size === 5);
    await (await jetstreamManager(connection)).consumers.delete('RECREATE', 'RECREATE-worker');
    for (let i = 5; i < 10; i += 1) await publishDurable(connection, 'webhook.RECREATE', { i }, `RECREATE-${i}`);
    await waitFor(() => handled.size === 10, 20_000);
    await consumer.stop();
    expect([...handled].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('publishDurableBatch says per message whether its stream acknowledged it, and drops repeated ids', async () => {
    await ensureStream(connection, { name: 'BATCH', subjects: ['webhook.batch'] });
    const messages = Array.from({ length: 300 }, (_, i) => ({
      subject: 'webhook.batch',
      body: `${i}`,
      id: `b-${i}`,
      headers: { 'Shelflink-Batch-Index': `${i}` },
    }));
    const noStream = { subject: 'webhook.nowhere', body: 'x', id: 'n-1' };
    const acked = await publishDurableBatch(connection, '_INBOX_webhook_ingest', [...messages, noStream]);
    expect(acked.slice(0, 300).every(Boolean)).toBe(true);
    expect(acked[300]).toBe(false);
    // A republish of the same ids is acknowledged (as duplicates) and stored once.
    expect((await publishDurableBatch(connection, '_INBOX_webhook_ingest', messages)).every(Boolean)).toBe(true);
    const manager = await jetstreamManager(connection);
    expect((await manager.streams.info('BATCH')).state.messages).toBe(300);
    // Each message carries its own headers besides its Nats-Msg-Id.
    const stored = await manager.streams.getMessage('BATCH', { seq: 42 });
    expect([stored?.header.get('Nats-Msg-Id'), stored?.header.get('Shelflink-Batch-Index')]).toEqual(['b-41', '41']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
