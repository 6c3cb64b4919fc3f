/**
 * Every NATS subject Shelflink uses, named `<domain>.<entity>.<verb>.v<N>`.
 * A breaking change gets a new `.vN` subject; permissions in deploy/nats/nats.conf follow these domains.
 */
export const subjects = {
  gatewayPing: 'gateway.ping.v1',
  authPing: 'auth.ping.v1',
  webhookPing: 'webhook.ping.v1',
  syncPing: 'sync.ping.v1',
  authTokenGet: 'auth.token.get.v1',
  /** Gateway → auth-service: which tenant an admin API key belongs to. */
  authApiKeyVerify: 'auth.apikey.verify.v1',
  /** Internal services → auth-service: a connection's tenant, provider, status and metadata (never secrets). */
  authConnectionLookup: 'auth.internal.connection.lookup.v1',
  /** webhook-ingest → auth-service: the secrets that verify a connection's webhooks (1 or 2 during rotation). */
  authWebhookSecretsGet: 'auth.internal.webhook-secrets.get.v1',
  /** JetStream: canonical events webhook-ingest derives from verified webhooks, for sync-service. */
  canonicalEvents: 'events.canonical.v1',
} as const;

export type Subject = (typeof subjects)[keyof typeof subjects];

/** The services that answer on the bus; each has its own NATS user and reply-inbox prefix. */
export const serviceNames = ['gateway', 'auth-service', 'webhook-ingest', 'sync-service'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Reply inboxes are per service so that no service can read another's replies (NATS permissions enforce it). */
export function inboxPrefixFor(service: ServiceName): string {
  return `_INBOX_${service.replace(/-/g, '_')}`;
}

/** NATS header carrying the correlation id across hops. */
export const correlationHeader = 'x-correlation-id';
