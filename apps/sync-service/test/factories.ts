// Test data for sync-service's service-level tests: config, sandbox merchants behind the fake auth-service, and
// canonical events as webhook-ingest publishes them.
import { subjects, type CanonicalEventPayload, type Envelope } from '@shelflink/contracts';
import type { RunningSandbox } from '@shelflink/sandbox';
import { randomUUID } from 'node:crypto';
import { syncConfigSchema, type SyncConfigValues } from '../src/config/sync.config.js';
import { squareConnection, type FakeAuth } from './fake-auth.responder.js';
import { exportEntity, mintSquareToken } from './sandbox-accounts.js';

/** The app's validated config on the sandbox, with fast retries and no scheduler tick during a test. */
export function syncConfig(env: Record<string, string>): SyncConfigValues {
  return syncConfigSchema.parse({
    PROVIDERS_CONFIG: 'libs/providers/config/providers.sandbox.json',
    SYNC_SCHEDULER_TICK_MS: '3600000',
    SYNC_RETRY_BASE_MS: '20',
    SYNC_RETRY_MAX_DELAY_MS: '200',
    ...env,
  });
}

export interface TestMerchant {
  readonly account: string;
  readonly tenantId: string;
  readonly connectionId: string;
  /** The ids of the merchant's orders in the sandbox. */
  readonly orderIds: readonly string[];
}

/** A Square merchant in the sandbox, connected (active) for `tenantId` at the fake auth-service. */
export async function squareMerchant(
  sandbox: RunningSandbox,
  auth: FakeAuth,
  options: { tenantId?: string; orders?: number } = {},
): Promise<TestMerchant> {
  const account = `M${randomUUID().slice(0, 8).toUpperCase()}`;
  const tenantId = options.tenantId ?? 'tenant-1';
  sandbox.registerAccount({ provider: 'square', account, locations: 1, products: 5, orders: options.orders ?? 5 });
  const connectionId = `conn-${account}`;
  const token = await mintSquareToken(sandbox.url, account);
  auth.connections.set(connectionId, squareConnection(connectionId, tenantId, account, token));
  const orders = await exportEntity(sandbox.url, 'square', account, 'orders');
  return { account, tenantId, connectionId, orderIds: orders.map((order) => String(order.id)) };
}

/** A canonical event about one of `merchant`'s records, as webhook-ingest maps a Square webhook. */
export function canonicalEvent(
  merchant: TestMerchant,
  overrides: Partial<CanonicalEventPayload> = {},
): CanonicalEventPayload {
  return {
    tenantId: merchant.tenantId,
    connectionId: merchant.connectionId,
    provider: 'square',
    kind: 'order.changed',
    providerEventType: 'order.updated',
    externalId: merchant.orderIds[0] ?? 'no-order',
    needsFetch: true,
    ...overrides,
  };
}

/** The envelope on `events.canonical.v1`; its id is the Nats-Msg-Id webhook-ingest publishes it with. */
export function canonicalEnvelope(payload: CanonicalEventPayload, id = randomUUID()): Envelope<CanonicalEventPayload> {
  return { id, subject: subjects.canonicalEvents, occurredAt: new Date().toISOString(), payload };
}
