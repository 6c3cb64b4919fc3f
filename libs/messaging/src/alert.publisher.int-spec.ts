import type { NatsConnection } from '@nats-io/transport-node';
import { opsAlertsStream, subjects, type OpsAlert } from '@shelflink/contracts';
import { startTestNats, streamMessages, type TestNats } from '@shelflink/testing';
import { AlertPublisher } from './alert.publisher.js';
import { ensureStream } from './streams.js';

// A real nats-server with the repository's permissions: auth-service, which has no JetStream API of its own, publishes
// alerts into the stream sync-service owns.
describe('AlertPublisher (int)', () => {
  let nats: TestNats;
  let auth: NatsConnection;
  let sync: NatsConnection;

  const stored = () => streamMessages<OpsAlert>(sync, opsAlertsStream);

  beforeAll(async () => {
    nats = await startTestNats();
    auth = await nats.connectAs('auth-service');
    sync = await nats.connectAs('sync-service');
  });

  afterAll(async () => {
    await auth.close();
    await sync.close();
    await nats.dispose();
  });

  it('gives up without throwing when no stream takes the subject', async () => {
    const publisher = new AlertPublisher(auth, 'auth-service', [10, 10]);
    const alert = { kind: 'needs_reauth', state: 'firing', key: 'c0', cause: 'refused' } as const;
    await expect(publisher.publish(alert)).resolves.toBe(false);
  });

  it('retries until sync-service created the stream, and JetStream keeps one of two publishes of an id', async () => {
    const publisher = new AlertPublisher(auth, 'auth-service', [100, 200, 400, 800, 1_600, 3_200]);
    const first = publisher.publish({
      id: 'needs_reauth:c1:firing',
      kind: 'needs_reauth',
      state: 'firing',
      key: 'c1',
      tenantId: 't1',
      connectionId: 'c1',
      provider: 'square',
      cause: `square connection c1 needs re-authorization (invalid_grant); ${'x'.repeat(600)}`,
    });
    await ensureStream(sync, { name: opsAlertsStream, subjects: [subjects.opsAlert] });
    await expect(first).resolves.toBe(true);
    const again = {
      id: 'needs_reauth:c1:firing',
      kind: 'needs_reauth',
      state: 'firing',
      key: 'c1',
      cause: 'x',
    } as const;
    await expect(publisher.publish(again)).resolves.toBe(true);
    await publisher.settled();
    const alerts = await stored();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ id: 'needs_reauth:c1:firing', source: 'auth-service', tenantId: 't1' });
    expect(alerts[0]?.cause).toHaveLength(500); // capped
  });

  it('refuses an observation that breaks the contract before it reaches the bus, without throwing', async () => {
    const publisher = new AlertPublisher(auth, 'auth-service');
    const before = (await stored()).length;
    const nonsense = { kind: 'nonsense' as 'needs_reauth', state: 'firing', key: 'k', cause: '' } as const;
    await expect(publisher.publish(nonsense)).resolves.toBe(false);
    expect(await stored()).toHaveLength(before);
  });
});
