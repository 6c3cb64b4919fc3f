import { canonicalEventsStream, subjects, webhookReceivedStream } from '@shelflink/contracts';
import { ensureStream } from '@shelflink/messaging';
import type { NatsConnection } from '@nats-io/transport-node';

/** Durable name of the consumer that processes stored events. */
export const processorDurable = 'webhook-ingest-processor';

/** The two streams webhook-ingest owns: stored events to process (work queue) and canonical events for sync-service. */
export async function ensureEventStreams(connection: NatsConnection): Promise<void> {
  await ensureStream(connection, {
    name: webhookReceivedStream,
    subjects: [subjects.webhookReceived],
    retention: 'workqueue',
  });
  await ensureStream(connection, {
    name: canonicalEventsStream,
    subjects: [subjects.canonicalEvents],
    retention: 'limits',
  });
}
