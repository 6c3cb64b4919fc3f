// T7 kill -9 of the worker between effect and ack: webhook-ingest restarted with its fault hook
// (WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS) and a 5 s AckWait. Each round sends one unique signed Square event; once the
// processor logs that the event's canonical event is published and its row marked processed, and that it is pausing
// before the ack, webhook-ingest is killed -9 and restarted. Must hold: JetStream redelivered (the consumer made more
// deliveries than there were messages), yet every event was processed exactly once (one processing attempt per row,
// one canonical event per envelope id), and the backlog drained to 0.
import { envelopeCounts, streamState } from '../lib/jetstream.mjs';
import { eventually } from '../lib/traffic.mjs';
import { createSquareConnection, inboxRows, sendSquareEvent, squareEvent } from '../lib/webhooks.mjs';

export const name = 'worker kill -9 between effect and ack';

const ackWaitMs = 5_000;
const faultEnv = { WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS: '3000', WEBHOOK_ACK_WAIT_MS: String(ackWaitMs) };
const received = ['WEBHOOK_RECEIVED', 'webhook-ingest-processor'];

/** Sends until a 2xx (webhook-ingest may still be starting); true when acknowledged. */
async function deliver(url, secret, body) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const r = await sendSquareEvent(url, secret, body);
    if (typeof r.status === 'number' && r.status < 300) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

export async function run({ system, rng, profile, canaries }) {
  const rounds = profile === 'short' ? 1 : 20;
  const connectionId = await createSquareConnection(system, canaries.apiKey, `chaos-t7-${rng.hex(3)}`);
  const url = `${system.url('gateway')}/webhooks/square/${connectionId}`;
  const prefix = `t7-${rng.hex(4)}`;
  const before = await streamState(system, ...received);
  await system.start('webhook-ingest', { env: faultEnv });
  const events = [];
  let killedPaused = 0;
  const redeliveryWaits = [];
  for (let i = 0; i < rounds; i += 1) {
    const id = `${prefix}-${i}`;
    events.push({ id, acked: await deliver(url, canaries.webhookSecret, squareEvent(id)) });
    const service = system.services['webhook-ingest'];
    // The hook names the row; the row is found by the provider's event id.
    const paused = await eventually(async () => {
      const row = (await inboxRows(system, connectionId)).find((r) => r.eventId === id);
      return row !== undefined && service.output().includes(`fault hook: event ${row.id} processed`);
    }, 20_000).then(
      () => true,
      () => false,
    );
    if (paused) killedPaused += 1;
    await service.kill();
    // After the last kill it comes back without the hook; the 5 s AckWait stays (a longer one would also apply to the
    // message in flight and slow the drain) until webhook-ingest's next restart.
    await system.start('webhook-ingest', {
      env: i < rounds - 1 ? faultEnv : { WEBHOOK_ACK_WAIT_MS: String(ackWaitMs) },
    });
    // The killed delivery comes back after AckWait; the next kill waits for its ack, or the redelivery itself could
    // land in the next process to be killed, again and again until MaxDeliver gives up on it.
    const acked = await eventually(
      async () => (await streamState(system, ...received)).consumer.ackPending === 0,
      30_000,
    ).then(
      (ms) => ms,
      () => undefined,
    );
    redeliveryWaits.push(acked);
  }
  const drainStarted = Date.now();
  const drained = await eventually(async () => {
    const state = await streamState(system, ...received);
    const rows = await inboxRows(system, connectionId);
    return (
      state.consumer.pending === 0 && state.consumer.ackPending === 0 && rows.every((r) => r.status === 'processed')
    );
  }, 60_000).then(
    () => true,
    () => false,
  );
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  const after = await streamState(system, ...received);
  const rows = await inboxRows(system, connectionId);
  const canonical = await envelopeCounts(system, 'CANONICAL_EVENTS');

  const byEvent = new Map(rows.map((r) => [r.eventId, r]));
  const tally = { ok: 0, lost: 0, unknown: 0, duplicated: 0 };
  for (const event of events) {
    const row = byEvent.get(event.id);
    const effects = row ? (canonical.get(row.id) ?? 0) : 0;
    if (row && (row.attempts > 1 || effects > 1)) tally.duplicated += 1;
    if (!event.acked) tally.unknown += 1;
    else if (row?.status === 'processed' && effects === 1) tally.ok += 1;
    else tally.lost += 1;
  }
  const deliveries = after.consumer.deliveries - before.consumer.deliveries;
  const messages = after.consumer.deliveredStreamSeq - before.consumer.deliveredStreamSeq;
  const redeliveries = deliveries - messages;
  const pass =
    tally.lost === 0 &&
    tally.duplicated === 0 &&
    tally.unknown === 0 &&
    killedPaused === rounds &&
    redeliveryWaits.every((ms) => ms !== undefined) &&
    redeliveries > 0 &&
    drained &&
    after.messages === 0;
  return {
    injected: `${rounds} kill -9 of webhook-ingest while paused between a committed effect and its ack (WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS=${faultEnv.WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS}, AckWait ${ackWaitMs / 1000} s), one unique Square event per round`,
    requests: rounds,
    ...tally,
    pass,
    details: [
      `kills that landed in the pause: ${killedPaused}/${rounds}; processor consumer: ${deliveries} deliveries of ${messages} messages (redeliveries ${redeliveries}, must be > 0), AckWait ${after.consumer.ackWaitMs / 1000} s`,
      `rows processed ${rows.filter((r) => r.status === 'processed').length}/${rounds}, processing attempts per row max ${Math.max(0, ...rows.map((r) => r.attempts))} (must be 1); canonical events per envelope id max ${Math.max(0, ...rows.map((r) => canonical.get(r.id) ?? 0))} (must be 1)`,
      `redelivered and acked after each restart within ${(Math.max(0, ...redeliveryWaits.map((ms) => ms ?? Infinity)) / 1000).toFixed(1)} s (at most 30 s: AckWait plus the restart)`,
      `backlog ${drained ? `drained in ${drainSeconds.toFixed(1)} s` : 'NOT drained in 60 s'}: consumer pending ${after.consumer.pending}, ack pending ${after.consumer.ackPending}, WEBHOOK_RECEIVED messages ${after.messages}`,
      `ok ${tally.ok}, lost ${tally.lost}, unknown ${tally.unknown}, duplicated ${tally.duplicated}`,
    ],
  };
}
