// Test support: a NATS responder standing in for auth-service (connection lookup and tokens), on the auth-service user.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { subjects, type ConnectionSummary } from '@shelflink/contracts';

export interface FakeConnection {
  summary: ConnectionSummary;
  headers: Record<string, string>;
  /** The token the headers carry (its fingerprint tells a renewed token from the refused one). */
  accessToken?: string;
  /** Logs in again when the provider refused the token (Plytix): the new token and its headers. */
  renew?: () => Promise<{ accessToken: string; headers: Record<string, string> }>;
  /** Signs one request (NetSuite TBA), as auth-service does on `auth.sign.tba.v1`. */
  sign?: (method: string, url: string) => Record<string, string>;
}

type Request = {
  tenantId?: string;
  connectionId: string;
  refusedTokenFingerprint?: string;
  method?: string;
  url?: string;
};

export interface FakeAuth {
  readonly connections: Map<string, FakeConnection>;
  /** Requests answered per subject. */
  readonly counts: Record<string, number>;
  close(): Promise<void>;
}

export function startFakeAuth(connection: NatsConnection): FakeAuth {
  const connections = new Map<string, FakeConnection>();
  const counts: Record<string, number> = {};
  const serve = (subject: string, answer: (request: Request) => unknown): Subscription =>
    connection.subscribe(subject, {
      queue: 'auth-service',
      callback: (_error, message) => {
        counts[subject] = (counts[subject] ?? 0) + 1;
        void Promise.resolve(answer(message.json())).then((reply) => message.respond(JSON.stringify(reply)));
      },
    });
  const find = (request: Request): FakeConnection | undefined => {
    const found = connections.get(request.connectionId);
    return found && (request.tenantId === undefined || found.summary.tenantId === request.tenantId) ? found : undefined;
  };
  const notFound = { error: { code: 'NOT_FOUND', message: 'Unknown connection' } };
  const subscriptions = [
    serve(subjects.authConnectionLookup, (request) => find(request)?.summary ?? notFound),
    serve(subjects.authTokenGet, async (request) => {
      const found = find(request);
      if (!found) return notFound;
      // A refused token is renewed once per refusal, as auth-service does (the caller retries with the new one).
      if (request.refusedTokenFingerprint && found.renew) Object.assign(found, await found.renew());
      return {
        accessToken: found.accessToken ?? 'redacted',
        tokenType: 'bearer',
        expiresAt: null,
        headers: found.headers,
      };
    }),
    serve(subjects.authTbaSign, (request) => {
      const found = find(request);
      return found?.sign ? { headers: found.sign(request.method ?? 'GET', request.url ?? '') } : notFound;
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

/** A NetSuite connection (`accountId` in either form) whose requests carry the given headers or TBA signatures. */
export function netsuiteConnection(
  id: string,
  tenantId: string,
  accountId: string,
  auth: { bearer: string } | { sign: (method: string, url: string) => Record<string, string> },
): FakeConnection {
  const authMode = 'bearer' in auth ? 'oauth2' : 'tba';
  return {
    summary: { id, tenantId, provider: 'netsuite', alias: id, status: 'active', authMode, metadata: { accountId } },
    headers: 'bearer' in auth ? { Authorization: `Bearer ${auth.bearer}` } : {},
    ...('sign' in auth ? { sign: auth.sign } : {}),
  };
}

/** A Plytix connection that logs in again (through `login`) when its token is refused. */
export function plytixConnection(
  id: string,
  tenantId: string,
  token: string,
  login: () => Promise<string>,
): FakeConnection {
  const headersOf = (t: string): Record<string, string> => ({ Authorization: `Bearer ${t}` });
  return {
    summary: { id, tenantId, provider: 'plytix', alias: id, status: 'active', metadata: {} },
    headers: headersOf(token),
    accessToken: token,
    renew: async () => {
      const fresh = await login();
      return { accessToken: fresh, headers: headersOf(fresh) };
    },
  };
}
