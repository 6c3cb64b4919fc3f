import type { AlertPublisher } from '@shelflink/messaging';
import type { StaleStream } from './schedule.repository.js';

/**
 * Turns each refresh's stale streams into `stream_stale` alerts: a stream that became stale fires, one that no longer
 * is resolves. Every replica refreshes; the ids derive from the stream and its last success, so JetStream keeps one
 * observation of the same thing from all of them.
 */
export class StaleStreamAlerts {
  private readonly announced = new Map<string, StaleStream>();

  constructor(private readonly alerts: AlertPublisher) {}

  update(stale: readonly StaleStream[]): void {
    const now = new Map(stale.map((stream) => [keyOf(stream), stream]));
    for (const [key, stream] of now) {
      if (!this.announced.has(key)) this.publish(key, stream, 'firing');
    }
    for (const [key, stream] of this.announced) {
      if (!now.has(key)) this.publish(key, stream, 'resolved');
    }
    this.announced.clear();
    for (const [key, stream] of now) this.announced.set(key, stream);
  }

  private publish(key: string, stream: StaleStream, state: 'firing' | 'resolved'): void {
    const since = stream.lastSucceededAt?.toISOString() ?? 'never';
    void this.alerts.publish({
      id: `stream_stale:${key}:${state}:${since}`,
      kind: 'stream_stale',
      state,
      key,
      tenantId: stream.tenantId,
      connectionId: stream.connectionId,
      cause:
        state === 'firing'
          ? `stream ${stream.stream} of connection ${stream.connectionId} has not synced since ${since} (interval ${stream.intervalSeconds} s)`
          : `stream ${stream.stream} of connection ${stream.connectionId} synced again or was paused`,
    });
  }
}

function keyOf(stream: StaleStream): string {
  return `${stream.connectionId}:${stream.stream}`;
}
