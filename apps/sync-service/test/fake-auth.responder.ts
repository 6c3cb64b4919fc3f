// Test support: a NATS responder standing in for auth-service (connection lookup and tokens), on the auth-service user.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { subjects, type ConnectionSummary } from '@shelflink/contracts';

export interface FakeConnection {
  summary: ConnectionSummary;
  headers: Record<string, string>;
}

export interface FakeAuth {
  readonly connections: Map<string, FakeConnection>;
  /** Requests answered per subject. */
  readonly counts: Record<string, number>;
  close(): Promise<void>;
}

export function startFakeAuth(connection: NatsConnection): FakeAuth {
  const connections = new Map<string, FakeConnection>();
  const counts: Record<string, number> = {};
  const serve = (
    subject: string,
    answer: (request: { tenantId?: string; connectionId: string }) => unknown,
  ): Subscription =>
    connection.subscribe(subject, {
      queue: 'auth-service',
      callback: (_error, message) => {
        counts[subject] = (counts[subject] ?? 0) + 1;
        message.respond(JSON.stringify(answer(message.json())));
      },
    });
  const find = (request: { tenantId?: string; connectionId: string }): FakeConnection | undefined => {
    const found = connections.get(request.connectionId);
    return found && (request.tenantId === undefined || found.summary.tenantId === request.tenantId) ? found : undefined;
  };
  const notFound = { error: { code: 'NOT_FOUND', message: 'Unknown connection' } };
  const subscriptions = [
    serve(subjects.authConnectionLookup, (request) => find(request)?.summary ?? notFound),
    serve(subjects.authTokenGet, (request) => {
      const found = find(request);
      return found
        ? { accessToken: 'redacted', tokenType: 'bearer', expiresAt: null, headers: found.headers }
        : notFound;
    }),
  ];
  return {
    connections,
    counts,
    async close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await connection.drain();
    },
  };
}

export function squareConnection(id: string, tenantId: string, merchantId: string, token: string): FakeConnection {
  return {
    summary: { id, tenantId, provider: 'square', alias: id, status: 'active', metadata: { merchantId } },
    headers: { Authorization: `Bearer ${token}` },
  };
}

export function shopifyConnection(id: string, tenantId: string, shop: string, token: string): FakeConnection {
  return {
    summary: { id, tenantId, provider: 'shopify', alias: id, status: 'active', metadata: { shop } },
    headers: { 'X-Shopify-Access-Token': token },
  };
}
