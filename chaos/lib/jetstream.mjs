// JetStream as the harness sees it: stream and consumer counters from the monitoring endpoint (/jsz), and the
// envelope ids on a stream, read with an ordered consumer as webhook-ingest (the user allowed to read its streams).
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The stream's state and, when `durable` is given, that consumer's counters (cumulative deliveries included). */
export async function streamState(system, stream, durable) {
  const response = await fetch(
    `http://127.0.0.1:${system.nats.monitorPort}/jsz?accounts=true&streams=true&consumers=true&config=true`,
    { signal: AbortSignal.timeout(5_000) },
  );
  const details = (await response.json()).account_details ?? [];
  const found = details.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream);
  if (!found) throw new Error(`stream ${stream} not in /jsz`);
  const consumer = durable ? found.consumer_detail?.find((c) => c.name === durable) : undefined;
  return {
    messages: found.state.messages,
    lastSeq: found.state.last_seq,
    consumer: consumer && {
      deliveries: consumer.delivered.consumer_seq,
      deliveredStreamSeq: consumer.delivered.stream_seq,
      pending: consumer.num_pending,
      ackPending: consumer.num_ack_pending,
      redelivered: consumer.num_redelivered,
      ackWaitMs: consumer.config.ack_wait / 1e6,
    },
  };
}

/** How many messages on `stream` carry each envelope id (`id` in the JSON body); reads the whole stream once. */
export async function envelopeCounts(system, stream) {
  const connection = await connect({
    servers: system.nats.url.split(','),
    user: 'webhook-ingest',
    pass: system.nats.password('webhook-ingest'),
    inboxPrefix: '_INBOX_webhook_ingest',
  });
  const counts = new Map();
  try {
    const js = jetstream(connection);
    const info = await (await jetstreamManager(connection)).streams.info(stream);
    if (info.state.messages === 0) return counts;
    const consumer = await js.consumers.get(stream);
    const messages = await consumer.consume();
    for await (const message of messages) {
      const id = message.json()?.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (message.info.pending === 0) break;
    }
  } finally {
    await connection.close();
  }
  return counts;
}
