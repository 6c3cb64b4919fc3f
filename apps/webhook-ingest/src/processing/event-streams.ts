import { canonicalEventsStream, subjects, webhookReceivedStream } from '@shelflink/contracts';
import type { NatsClient } from '@shelflink/messaging';

/** Durable name of the consumer that processes stored events. */
export const processorDurable = 'webhook-ingest-processor';

/** The two streams webhook-ingest owns: stored events to process (work queue) and canonical events for sync-service. */
export async function ensureEventStreams(nats: NatsClient): Promise<void> {
  await nats.ensureStream({
    name: webhookReceivedStream,
    subjects: [subjects.webhookReceived],
    retention: 'workqueue',
  });
  await nats.ensureStream({
    name: canonicalEventsStream,
    subjects: [subjects.canonicalEvents],
    retention: 'limits',
  });
}
