import type { NatsConnection } from '@nats-io/transport-node';
import { Socket } from 'node:net';
import { startTestNats, type TestNats } from '@shelflink/testing';
import { natsConnectionOptions } from './nats-options.js';
import { connectBatchingWrites } from './turn-batching.transport.js';

// A real nats-server: what one event-loop turn publishes leaves in one write, in order, and nothing is held back.
describe('connectBatchingWrites (int)', () => {
  let nats: TestNats;
  let batching: NatsConnection;
  let listener: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    const env = nats.envFor('webhook-ingest');
    const settings = { url: env.NATS_URL ?? '', user: 'webhook-ingest', password: env.NATS_PASSWORD ?? '' };
    batching = await connectBatchingWrites(natsConnectionOptions('webhook-ingest', settings));
    listener = await nats.connectAs('webhook-ingest');
  });

  afterAll(async () => {
    await batching.close();
    await listener.close();
    await nats.dispose();
  });

  async function received(subject: string, count: number, publish: () => void): Promise<string[]> {
    const got: string[] = [];
    const subscription = listener.subscribe(subject, { max: count });
    await listener.flush();
    publish();
    for await (const message of subscription) got.push(message.string());
    return got;
  }

  it('delivers every message of one turn, in order', async () => {
    const sent = Array.from({ length: 2_000 }, (_, i) => `m${i}`);
    const got = await received('webhook.turn.one', sent.length, () => {
      for (const text of sent) batching.publish('webhook.turn.one', text);
    });
    expect(got).toEqual(sent);
  });

  it('sends what later turns publish too, without a flush from the caller', async () => {
    const got = await received('webhook.turn.many', 3, () => {
      batching.publish('webhook.turn.many', 'now');
      setTimeout(() => batching.publish('webhook.turn.many', 'timer'), 5);
      setImmediate(() => batching.publish('webhook.turn.many', 'immediate'));
    });
    expect(got).toEqual(['now', 'immediate', 'timer']);
  });

  // The guard on the nats.js internals this relies on (NodeTransport.send per frame, its `socket` field): if an
  // upgrade changes them, the turn's messages go out one write each again and this fails.
  it('sends what separate callbacks of one turn publish in one socket write, where a plain connection writes each', async () => {
    const plain = await nats.connectAs('webhook-ingest');
    const writesOf = async (connection: NatsConnection, subject: string): Promise<number> => {
      const subscription = listener.subscribe(subject, { max: 50 });
      await listener.flush();
      return socketWrites(Number(new URL(nats.envFor('webhook-ingest').NATS_URL ?? '').port), async () => {
        for (let i = 0; i < 50; i++) setImmediate(() => connection.publish(subject, `c${i}`));
        for await (const _message of subscription);
      });
    };
    try {
      expect(await writesOf(batching, 'webhook.turn.cork')).toBe(1);
      expect(await writesOf(plain, 'webhook.turn.plain')).toBeGreaterThan(10);
    } finally {
      await plain.close();
    }
  });

  it('keeps delivering after the server restarts (reconnects use the same transport factory)', async () => {
    await nats.stop(true);
    await nats.start();
    await waitFor(async () => {
      await Promise.all([batching.flush(), listener.flush()]);
      return true;
    });
    const got = await received('webhook.turn.after', 100, () => {
      for (let i = 0; i < 100; i++) batching.publish('webhook.turn.after', `a${i}`);
    });
    expect(got).toHaveLength(100);
    expect(got[99]).toBe('a99');
  });
});

/** Counts the writes (write(2) or writev(2) calls) carrying a PUB that this process makes to `port` during `during`. */
async function socketWrites(port: number, during: () => Promise<unknown>): Promise<number> {
  const prototype = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  const originals = { _write: prototype._write, _writev: prototype._writev };
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    prototype[name] = function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === port && carriesPublish(args[0])) writes++;
      return originals[name].apply(this, args);
    };
  }
  try {
    await during();
  } finally {
    Object.assign(prototype, originals);
  }
  return writes;
}

function carriesPublish(data: unknown): boolean {
  const chunks = Array.isArray(data) ? data.map((entry: { chunk: unknown }) => entry.chunk) : [data];
  return chunks.some((chunk) => Buffer.isBuffer(chunk) && chunk.includes('PUB '));
}

async function waitFor(attempt: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await attempt().catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
