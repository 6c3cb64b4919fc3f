import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { createInbox, headers, type NatsConnection } from '@nats-io/transport-node';

/** A stream this service owns; created or updated at boot (idempotent). */
export interface StreamSpec {
  name: string;
  /** The subjects it stores; a stream that only gathers other streams (`sources`) has none. */
  subjects?: string[];
  /** Whole streams whose messages it copies in (JetStream sources, unfiltered). */
  sources?: string[];
  /** `workqueue` removes a message once acked (job queues); `limits` keeps history for replay. */
  retention?: 'limits' | 'workqueue';
  maxAgeMs?: number;
  duplicateWindowMs?: number;
}

export async function ensureStream(connection: NatsConnection, spec: StreamSpec): Promise<void> {
  const manager = await jetstreamManager(connection);
  const config = {
    name: spec.name,
    ...(spec.subjects ? { subjects: spec.subjects } : {}),
    ...(spec.sources ? { sources: spec.sources.map((name) => ({ name })) } : {}),
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: (spec.maxAgeMs ?? 7 * 24 * 3_600_000) * 1_000_000,
    duplicate_window: (spec.duplicateWindowMs ?? 120_000) * 1_000_000,
  };
  try {
    await manager.streams.info(spec.name);
    await manager.streams.update(spec.name, config);
  } catch {
    await manager.streams.add(config);
  }
}

/** What a handler decided about one message; throwing means "retry later" (nak with backoff). */
export type HandlerOutcome = 'ack' | 'term';

export interface DurableConsumerSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  ackWaitMs: number;
  maxDeliver: number;
  /** Redelivery delays after a failure, one per attempt (the last repeats). */
  backoffMs: number[];
  maxAckPending?: number;
  /**
   * Messages handled at once (default 1: one after the other). Handlers must then be safe to run concurrently. A
   * function is asked again before each message, with the number of messages still waiting behind it, so a service
   * can give way to more urgent work of its own while its backlog allows.
   */
  concurrency?: number | ((waiting: number) => number);
  handler: (message: JsMsg) => Promise<HandlerOutcome>;
  /** Called once when a message fails for the last time, before it is terminated. */
  onDeadLetter: (message: JsMsg, error: unknown) => Promise<void>;
}

/**
 * A durable pull consumer with explicit acks. A handler that throws never stops the subscription: the message is
 * nak'ed with backoff, and after `maxDeliver` attempts it goes to `onDeadLetter` and is terminated.
 */
export class DurableConsumer {
  private readonly logger = new Logger(DurableConsumer.name);
  private messages?: ConsumerMessages;
  private running = false;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly connection: NatsConnection,
    private readonly spec: DurableConsumerSpec,
  ) {}

  async start(): Promise<void> {
    const manager = await jetstreamManager(this.connection);
    await manager.consumers.add(this.spec.stream, {
      durable_name: this.spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: this.spec.ackWaitMs * 1_000_000,
      max_deliver: this.spec.maxDeliver,
      max_ack_pending: this.spec.maxAckPending ?? 256,
      ...(this.spec.filterSubject ? { filter_subject: this.spec.filterSubject } : {}),
    });
    this.running = true;
    this.loop = this.consumeForever();
  }

  /**
   * Stops pulling and gives an in-flight handler `graceMs` to finish; whatever is not acked by then (a long sync run,
   * messages still buffered) is redelivered to another replica after AckWait.
   */
  async stop(graceMs = 3_000): Promise<void> {
    this.running = false;
    await this.messages?.close();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.loop, grace]);
    clearTimeout(timer);
  }

  private async consumeForever(): Promise<void> {
    const js = jetstreamClient(this.connection);
    while (this.running) {
      try {
        const consumer = await js.consumers.get(this.spec.stream, this.spec.durable);
        this.messages = await consumer.consume({ max_messages: 64 });
        // stop() may have run while consume() was pending; it could not close these messages then.
        if (!this.running) await this.messages.close();
        for await (const message of this.messages) {
          if (!this.running) break;
          await this.dispatch(message);
        }
      } catch (error) {
        // The broker went away or the consumer was recreated: pull again after a pause, never give up.
        if (this.running) this.logger.warn(`consumer ${this.spec.durable} interrupted: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await Promise.all(this.inFlight);
  }

  /** Starts handling `message`; waits first while `concurrency` handlers are already running. */
  private async dispatch(message: JsMsg): Promise<void> {
    while (this.inFlight.size >= this.concurrencyNow(message.info.pending)) await Promise.race(this.inFlight);
    const handling = this.handle(message)
      // An ack that cannot be sent (connection gone) is redelivered after AckWait; the loop goes on.
      .catch((error: unknown) => this.logger.warn(`consumer ${this.spec.durable}: ${String(error)}`))
      .finally(() => this.inFlight.delete(handling));
    this.inFlight.add(handling);
  }

  private concurrencyNow(waiting: number): number {
    const { concurrency = 1 } = this.spec;
    return Math.max(1, typeof concurrency === 'number' ? concurrency : concurrency(waiting));
  }

  private async handle(message: JsMsg): Promise<void> {
    try {
      const outcome = await this.spec.handler(message);
      if (outcome === 'term') message.term();
      else message.ack();
    } catch (error) {
      const attempt = message.info.deliveryCount;
      if (attempt >= this.spec.maxDeliver) {
        await this.spec.onDeadLetter(message, error).then(
          () => message.term(),
          // Dead-lettering failed (database down): let it be redelivered rather than lose it.
          () => message.nak(this.delayFor(attempt)),
        );
        return;
      }
      message.nak(this.delayFor(attempt));
    }
  }

  private delayFor(attempt: number): number {
    const { backoffMs } = this.spec;
    return backoffMs[Math.min(attempt - 1, backoffMs.length - 1)] ?? 1_000;
  }
}

// One client per connection: building one per publish cost ~6 µs (its API objects), twice per webhook.
const clients = new WeakMap<NatsConnection, JetStreamClient>();

function jetstreamClient(connection: NatsConnection): JetStreamClient {
  let client = clients.get(connection);
  if (!client) {
    client = jetstream(connection);
    clients.set(connection, client);
  }
  return client;
}

/** Publishes with a message id so JetStream drops a republish inside its duplicate window. */
export function publishDurable(
  connection: NatsConnection,
  subject: string,
  payload: unknown,
  messageId: string,
): Promise<{ duplicate: boolean; seq: number }> {
  return publishDurableBody(connection, subject, JSON.stringify(payload), messageId);
}

/** One message of {@link publishDurableBatch}. */
export interface DurableMessage {
  subject: string;
  body: string;
  /** Its `Nats-Msg-Id`: JetStream drops a republish of it inside the duplicate window. */
  id: string;
}

/**
 * Publishes many messages to JetStream at once and says, per message, whether its stream acknowledged it (a
 * duplicate counts as acknowledged) within `timeoutMs`. The acks come back on one subscription under
 * `inboxPrefix`: a JetStream client request per message cost the feed's relay ~4x the cpu per message.
 */
export function publishDurableBatch(
  connection: NatsConnection,
  inboxPrefix: string,
  messages: readonly DurableMessage[],
  timeoutMs = 5_000,
): Promise<boolean[]> {
  const acked = messages.map(() => false);
  if (messages.length === 0) return Promise.resolve(acked);
  const inbox = createInbox(inboxPrefix);
  let waiting = messages.length;
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(acked);
    };
    const subscription = connection.subscribe(`${inbox}.*`, {
      callback: (error, reply) => {
        if (error) return finish();
        const index = Number(reply.subject.slice(inbox.length + 1));
        // A PubAck names its stream; an error reply, or no stream for the subject (status 503, no body), does not.
        acked[index] = reply.data.length > 0 && isPubAck(reply.string());
        if (--waiting === 0) finish();
      },
    });
    const timer = setTimeout(finish, timeoutMs);
    messages.forEach((message, i) => {
      const messageHeaders = headers();
      messageHeaders.set('Nats-Msg-Id', message.id);
      connection.publish(message.subject, message.body, { reply: `${inbox}.${i}`, headers: messageHeaders });
    });
  });
}

function isPubAck(text: string): boolean {
  try {
    const ack = JSON.parse(text) as { stream?: unknown; error?: unknown };
    return typeof ack.stream === 'string' && ack.error === undefined;
  } catch {
    return false;
  }
}

/** {@link publishDurable} of a body already serialised. */
export async function publishDurableBody(
  connection: NatsConnection,
  subject: string,
  body: string,
  messageId: string,
): Promise<{ duplicate: boolean; seq: number }> {
  const ack = await jetstreamClient(connection).publish(subject, body, {
    msgID: messageId,
    timeout: 5_000,
  });
  return { duplicate: ack.duplicate, seq: ack.seq };
}
