// Floor for the record feed: raw @nats-io/jetstream publishes (with Nats-Msg-Id, acks awaited 500 at a time) of
// `count` bodies of the feed's size into a stream, read at the same time by a durable pull consumer with explicit
// acks. Rate = bodies consumed ÷ wall time from the first publish to the last ack. Whatever the feed adds on top
// (the outbox, envelopes, the relay) is measured against this.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';

/** `connection` must be allowed `$JS.API.>`, `$JS.ACK.>` and to publish `subject`'s prefix. */
export async function jetstreamFeedFloor({ connection, subject, count, body }) {
  const stream = `BENCH_FEED_FLOOR_${Date.now().toString(36)}`;
  const manager = await jetstreamManager(connection);
  await manager.streams.add({ name: stream, subjects: [subject] });
  await manager.consumers.add(stream, {
    durable_name: 'floor',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
  });
  const js = jetstream(connection);
  try {
    const started = performance.now();
    const consumed = (async () => {
      const messages = await (await js.consumers.get(stream, 'floor')).consume({ max_messages: 256 });
      let seen = 0;
      for await (const message of messages) {
        message.ack();
        if (++seen === count) break;
      }
      await messages.close();
    })();
    for (let at = 0; at < count; at += 500) {
      const chunk = Math.min(500, count - at);
      await Promise.all(Array.from({ length: chunk }, () => js.publish(subject, body, { msgID: randomUUID() })));
    }
    await consumed;
    return { perSecond: count / ((performance.now() - started) / 1000) };
  } finally {
    await manager.streams.delete(stream);
  }
}
