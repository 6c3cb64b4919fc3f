import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { createInbox, headers, type NatsConnection } from '@nats-io/transport-node';

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
    await this.ensureConsumer();
    this.running = true;
    this.loop = this.consumeForever();
  }

  /** Creates the durable consumer, or leaves it as it is; it takes its stream's replicas. */
  private async ensureConsumer(): Promise<void> {
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
    let lost = false;
    while (this.running) {
      try {
        // A consumer that is gone (deleted, or lost with a stream's only replica) is created again before pulling.
        if (lost) await this.ensureConsumer();
        lost = false;
        const consumer = await js.consumers.get(this.spec.stream, this.spec.durable);
        // Pulls expire after 5 s (heartbeats every 2.5 s): when a cluster node dies with the consumer's leader, two missed
        // heartbeats re-issue the pull to the new leader within ~5 s instead of the default 30 s.
        this.messages = await consumer.consume({ max_messages: 64, expires: 5_000 });
        // stop() may have run while consume() was pending; it could not close these messages then.
        if (!this.running) await this.messages.close();
        // A status stream that fails must not become an unhandled rejection (it would end the process).
        void this.closeWhenDeleted(this.messages).then(
          (deleted) => (lost ||= deleted),
          () => undefined,
        );
        for await (const message of this.messages) {
          if (!this.running) break;
          await this.dispatch(message);
        }
      } catch (error) {
        // A connection closed for good (the service is stopping) never comes back: nothing left to pull from.
        if (this.connection.isClosed()) break;
        // The broker went away or the consumer was recreated: pull again after a pause, never give up.
        if (this.running) this.logger.warn(`consumer ${this.spec.durable} interrupted: ${String(error)}`);
        lost = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await Promise.all(this.inFlight);
  }

  /** Ends `messages` when the server says the consumer was deleted (it would wait for it forever); true then. */
  private async closeWhenDeleted(messages: ConsumerMessages): Promise<boolean> {
    for await (const status of messages.status()) {
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
        this.logger.warn(`consumer ${this.spec.durable} is gone; creating it again`);
        await messages.close();
        return true;
      }
    }
    return false;
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
  /** Headers it carries besides `Nats-Msg-Id`. */
  headers?: Readonly<Record<string, string>>;
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
      for (const [name, value] of Object.entries(message.headers ?? {})) messageHeaders.set(name, value);
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
