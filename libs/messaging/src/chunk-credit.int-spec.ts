import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  BusError,
  providerCreditSubject,
  providerPageChunk,
  providerRequestContract,
  subjects,
} from '@shelflink/contracts';
import { eventually, startTestNats, type TestNats } from '@shelflink/testing';
import { ChunkCredit, ChunksCancelled } from './chunk-credit.js';
import { requestChunks } from './chunked-request.js';

const walk = { tenantId: 't1', connectionId: 'c1', method: 'GET', path: '/orders.json', paginate: true } as const;

/**
 * A responder as sync-service answers a paginated walk: `total` chunks through ChunkCredit, the last one as reply;
 * `onSent` is told as each chunk goes out.
 */
function answerWalks(
  connection: NatsConnection,
  options: { total: number; timeoutMs?: number; onSent: () => void },
): { subscription: Subscription; ended: Promise<unknown>[] } {
  const ended: Promise<unknown>[] = [];
  const subscription = connection.subscribe(subjects.providerRequest, {
    callback: (_error, msg) =>
      void ended.push(
        run(msg).then(
          () => 'done',
          (error: unknown) => error,
        ),
      ),
  });
  const run = async (msg: Msg) => {
    const credit = ChunkCredit.open(
      connection,
      msg,
      providerCreditSubject(`w${ended.length}`, 'admin'),
      options.timeoutMs ?? 10_000,
    );
    if (!credit) throw new Error('no window asked for');
    try {
      for (let seq = 0; seq < options.total - 1; seq += 1) {
        options.onSent();
        await credit.send(JSON.stringify({ seq, items: [seq], done: false }));
      }
      msg.respond(JSON.stringify({ seq: options.total - 1, items: [], done: true }));
    } finally {
      credit.close();
    }
  };
  return { subscription, ended };
}

describe('chunk flow control: requestChunks and ChunkCredit (int)', () => {
  let nats: TestNats;
  let requester: NatsConnection;
  let responder: NatsConnection;
  let answering: Subscription | undefined;

  beforeAll(async () => {
    nats = await startTestNats();
    requester = await nats.connectAs('operator');
    responder = await nats.connectAs('sync-service');
  });

  afterEach(() => answering?.unsubscribe());

  afterAll(async () => {
    await requester.close();
    await responder.close();
    await nats.dispose();
  });

  const chunksOf = (window: number) =>
    requestChunks(
      requester,
      '_INBOX_operator',
      providerRequestContract,
      providerRequestContract.subject,
      walk,
      providerPageChunk,
      10_000,
      window,
    );

  it('never has more than the window sent and untaken, and delivers every chunk in order', async () => {
    let sent = 0;
    let taken = 0;
    let mostAhead = 0;
    const answered = answerWalks(responder, {
      total: 10,
      onSent: () => {
        sent += 1;
        mostAhead = Math.max(mostAhead, sent - taken);
      },
    });
    answering = answered.subscription;
    await responder.flush();
    const seqs: number[] = [];
    for await (const chunk of chunksOf(2)) {
      seqs.push(chunk.seq);
      // A slow reader: the responder has sent all the window lets it before this one is taken.
      if (!chunk.done) await eventually(() => sent >= Math.min(taken + 2, 9), 5_000, 5);
      taken += 1;
    }
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mostAhead).toBe(2);
    await expect(answered.ended[0]).resolves.toBe('done');
  });

  it('stops the responder when the requester leaves early', async () => {
    const answered = answerWalks(responder, { total: 50, onSent: () => undefined });
    answering = answered.subscription;
    await responder.flush();
    const chunks = chunksOf(1);
    await expect(chunks.next()).resolves.toMatchObject({ value: { seq: 0 } });
    await chunks.return();
    await eventually(() => answered.ended.length === 1);
    await expect(answered.ended[0]).resolves.toBeInstanceOf(ChunksCancelled);
  });

  it('gives up with TIMEOUT when the requester takes nothing for the credit timeout', async () => {
    const answered = answerWalks(responder, { total: 50, timeoutMs: 300, onSent: () => undefined });
    answering = answered.subscription;
    await responder.flush();
    const chunks = chunksOf(1);
    await expect(chunks.next()).resolves.toMatchObject({ value: { seq: 0 } });
    await eventually(() => answered.ended.length === 1);
    const ended = await answered.ended[0];
    expect(ended).toBeInstanceOf(BusError);
    expect(ended).toMatchObject({ code: 'TIMEOUT' });
    await chunks.return();
  });

  it('applies no flow control to a request that asked for none', async () => {
    const opened: (ChunkCredit | undefined)[] = [];
    const subscription = responder.subscribe(subjects.providerRequest, {
      callback: (_error, msg) => {
        opened.push(ChunkCredit.open(responder, msg, providerCreditSubject('w', 'admin'), 1_000));
      },
    });
    await responder.flush();
    requester.publish(subjects.providerRequest, JSON.stringify(walk));
    await eventually(() => opened.length === 1);
    expect(opened).toEqual([undefined]);
    subscription.unsubscribe();
  });
});
