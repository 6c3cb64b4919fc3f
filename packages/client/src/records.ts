import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordFeedEnvelope, type RecordFeedEnvelope } from '../../../libs/contracts/src/records/record-feed.v1.js';
import { feedStreamFor } from '../../../libs/contracts/src/services/consumer-service.js';
import type { RecordEntity } from '../../../libs/contracts/src/sync/records-list.v1.js';
import type { ShelflinkCredentials } from './credentials.js';
import { ShelflinkError } from './errors.js';

/** One record change: `id` is its idempotency key, `payload.record` the record as that change committed it. */
export type RecordChange = RecordFeedEnvelope;

export interface SubscribeOptions {
  /** The durable consumer's name: a restart with the same name resumes where it stopped. `[A-Za-z0-9_-]`, ≤ 64. */
  durableName: string;
  /** A change not acked within this long is delivered again. Default 30 000 ms. */
  ackWaitMs?: number;
  /** Delay before a change whose handler threw is delivered again. Default 1 000 ms. */
  retryDelayMs?: number;
}

export interface RecordSubscription {
  /** Stops pulling; the handler running now finishes and acks. The durable consumer stays for the next start. */
  stop(): Promise<void>;
}

const durableName = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `client.records`: the durable feed of record changes, on the service's own JetStream stream FEED_<NAME>, which
 * holds only its granted tenants' changes.
 */
export class Records {
  constructor(
    protected readonly connection: NatsConnection,
    protected readonly credentials: ShelflinkCredentials,
  ) {}

  /**
   * Delivers every change of `entity` (or all of them: `'*'`) to `handler`, one at a time, in the order they were
   * published (changes of other entities are acked unseen, so give each entity its own `durableName`), from where the durable consumer `durableName` stopped (the first start: the oldest change kept). A
   * change is acked when the handler returns, and delivered again later when it throws or the process dies before: the
   * handler must be idempotent on `change.id`.
   */
  async subscribe(
    entity: RecordEntity | '*',
    handler: (change: RecordChange) => Promise<void> | void,
    options: SubscribeOptions,
  ): Promise<RecordSubscription> {
    if (!durableName.test(options.durableName))
      throw new ShelflinkError('INVALID_REQUEST', 'durableName: letters, digits, dashes and underscores, ≤ 64');
    const stream = feedStreamFor(this.credentials.service);
    try {
      // checkAPI off: the service's user may reach its own stream's API only, not $JS.API.INFO.
      const manager = await this.connection.jetstreamManager({ checkAPI: false });
      await manager.consumers.add(stream, {
        durable_name: options.durableName,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: (options.ackWaitMs ?? 30_000) * 1_000_000,
      });
    } catch (error) {
      throw new ShelflinkError('UNAVAILABLE', `Cannot open the record feed ${stream}: ${(error as Error).message}`);
    }
    // Entities are picked here, not by the consumer's filter: nats-server 2.9 refuses a filter on a stream that only
    // sources others (it has no subjects of its own to check the filter against).
    const wanted = (change: RecordChange) => entity === '*' || change.payload.entity === entity;
    const loop = new FeedLoop(this.connection, stream, options, async (change) => {
      if (wanted(change)) await handler(change);
    });
    loop.start();
    return { stop: () => loop.stop() };
  }
}

/** Pulls from the durable consumer until stopped; a broken pull (NATS restart) starts again after a pause. */
class FeedLoop {
  private running = true;
  private messages?: ConsumerMessages;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: NatsConnection,
    private readonly stream: string,
    private readonly options: SubscribeOptions,
    private readonly handler: (change: RecordChange) => Promise<void> | void,
  ) {}

  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.messages?.stop();
    await this.done;
  }

  private async run(): Promise<void> {
    const js = this.connection.jetstream();
    while (this.running) {
      try {
        const consumer = await js.consumers.get(this.stream, this.options.durableName);
        this.messages = await consumer.consume({ max_messages: 64 });
        if (!this.running) this.messages.stop();
        for await (const message of this.messages) {
          // Buffered messages after stop() are left unacked: they come back to the next start.
          if (!this.running) break;
          await this.handle(message);
        }
      } catch {
        // NATS away or the consumer being recreated: pull again shortly, never give up while running.
      }
      if (this.running) await sleep(500);
    }
  }

  private async handle(message: JsMsg): Promise<void> {
    let change: RecordChange;
    try {
      change = recordFeedEnvelope.parse(message.json());
    } catch {
      message.term();
      return;
    }
    try {
      await this.handler(change);
      message.ack();
    } catch {
      message.nak(this.options.retryDelayMs ?? 1_000);
    }
  }
}
