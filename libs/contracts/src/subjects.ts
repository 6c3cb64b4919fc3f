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
  /** webhook-ingest → auth-service: the active connections of one provider account (app-level webhook routing). */
  authWebhookRoutesGet: 'auth.internal.webhook-routes.get.v1',
  /** auth-service → anyone listening (webhook-ingest's routing cache): a connection was made, changed or removed. */
  authEventConnectionChanged: 'auth.event.connection.changed.v1',
  /** webhook-ingest → auth-service: record a compliance action (Shopify redact) in the audit log. */
  authAuditRecord: 'auth.internal.audit.record.v1',
  /** webhook-ingest → auth-service: a verified webhook says the merchant removed the app (connection needs a reconnect). */
  authConnectionRevokedAtProvider: 'auth.internal.connection.revoked-at-provider.v1',
  /** Gateway → auth-service: admin connection management (tenant-scoped by the gateway's verified principal). */
  authConnectionCreate: 'auth.connection.create.v1',
  authConnectionList: 'auth.connection.list.v1',
  authConnectionGet: 'auth.connection.get.v1',
  authConnectionDelete: 'auth.connection.delete.v1',
  authConnectionTest: 'auth.connection.test.v1',
  authConnectionAudit: 'auth.connection.audit.v1',
  /** Gateway → auth-service: start an OAuth flow; finish it from the provider's redirect. */
  authConnectSessionCreate: 'auth.connect-session.create.v1',
  authOAuthCallback: 'auth.oauth.callback.v1',
  /** Gateway → auth-service: the hosted Connect page (a single-use link for a merchant) and its allowed return URLs. */
  authConnectPageCreate: 'auth.connect-page.create.v1',
  authConnectPageGet: 'auth.connect-page.get.v1',
  authConnectPageSubmit: 'auth.connect-page.submit.v1',
  authConnectSettingsPut: 'auth.connect-settings.put.v1',
  /** Gateway → auth-service: a merchant installs from the Shopify admin (the app URL, signed by Shopify). */
  authShopifyInstall: 'auth.install.shopify.v1',
  /** Internal services → auth-service: sign one NetSuite TBA request (no token is handed out). */
  authTbaSign: 'auth.sign.tba.v1',
  /** Operator CLI → auth-service (operator NATS user only). */
  authAdminTenantCreate: 'auth.admin.tenant.create.v1',
  authAdminApiKeyCreate: 'auth.admin.apikey.create.v1',
  authAdminConnectionsList: 'auth.admin.connections.list.v1',
  authAdminConnectionTest: 'auth.admin.connection.test.v1',
  authAdminKeysRotate: 'auth.admin.keys.rotate.v1',
  authAdminKeysStatus: 'auth.admin.keys.status.v1',
  authAdminTokenCacheClear: 'auth.admin.token-cache.clear.v1',
  /** Operator CLI → every replica (broadcast, no queue group): clear the token and connection caches, each answers. */
  authAdminCachesClear: 'auth.admin.caches.clear.v1',
  syncAdminCachesClear: 'sync.admin.caches.clear.v1',
  /** Gateway → auth-service and sync-service: each one's outbound call log rows of a tenant (merged by the gateway). */
  authCallsList: 'auth.calls.list.v1',
  syncCallsList: 'sync.calls.list.v1',
  /** Operator CLI → auth-service: webhook subscriptions Shelflink registers at providers. */
  authAdminWebhooksList: 'auth.admin.webhooks.list.v1',
  authAdminWebhooksSync: 'auth.admin.webhooks.sync.v1',
  authAdminWebhooksEnsure: 'auth.admin.webhooks.ensure.v1',
  authAdminWebhooksStatus: 'auth.admin.webhooks.status.v1',
  /** Operator CLI → auth-service: consumer services and their grants (`npx shelflink services …`). */
  authAdminServicesAdd: 'auth.admin.services.add.v1',
  authAdminServicesList: 'auth.admin.services.list.v1',
  authAdminServicesRemove: 'auth.admin.services.remove.v1',
  /** auth-service → sync-service: a consumer service was added or removed. */
  authEventServiceChanged: 'auth.event.service.changed.v1',
  /** sync-service → auth-service: every consumer service and its tenants (no hashes), to reconcile the feeds. */
  authInternalServicesList: 'auth.internal.services.list.v1',
  /**
   * Consumer services → auth-service: the last token is the caller's name, and only its NATS user `svc-<name>` may
   * publish it (see consumerPermissions). Same payloads as `auth.token.get.v1` and `auth.sign.tba.v1`.
   */
  consumerTokenGet: 'auth.token.get.v1.*',
  consumerTbaSign: 'auth.sign.tba.v1.*',
  /** Gateway and operators → sync-service: one provider API call for a connection (the proxy). */
  providerRequest: 'provider.request.v1',
  /** Consumer services → sync-service: the proxy within their grants; the last token is the caller's name. */
  consumerProviderRequest: 'provider.request.v1.*',
  /**
   * Requester → sync-service: credit for a paginated proxy walk's chunks, `provider.credit.v1.<walk>.<caller>`, on the
   * subject each chunk names as its reply. The last token is `admin` (gateway, operators) or the consumer service, so
   * a service may credit or cancel only its own walks (see consumerPermissions).
   */
  providerCredit: 'provider.credit.v1.*.*',
  /**
   * sync-service → auth-service: a token or TBA signature for a consumer service's proxy request, within that
   * service's grants (named by the subject sync-service received it on). Answered only to sync-service's inbox.
   */
  authProxyTokenGet: 'auth.internal.proxy.token.get.v1',
  authProxyTbaSign: 'auth.internal.proxy.sign.tba.v1',
  /** JetStream: canonical events webhook-ingest derives from verified webhooks, for sync-service. */
  canonicalEvents: 'events.canonical.v1',
  /** Gateway → webhook-ingest: one webhook delivery (raw body, selected headers) to verify, dedupe and store. */
  webhookIngest: 'webhook.ingest.v1',
  /** Gateway → webhook-ingest: the deliveries of one gateway event-loop turn, each answered on its own, in order. */
  webhookIngestBatch: 'webhook.ingest.batch.v1',
  /** JetStream (stream WEBHOOK_RECEIVED): stored webhook events to process; carries the row id only; outside webhook.> so the gateway cannot publish it. */
  webhookReceived: 'events.webhook.received.v1',
  /** Gateway/operator → webhook-ingest: admin reads and replays of received events and dead letters. */
  webhookAdminEventsList: 'webhook.admin.events.list.v1',
  webhookAdminEventGet: 'webhook.admin.events.get.v1',
  webhookAdminEventReplay: 'webhook.admin.events.replay.v1',
  webhookAdminEventsReplayRange: 'webhook.admin.events.replay-range.v1',
  webhookAdminDeadLettersList: 'webhook.admin.dead-letters.list.v1',
  webhookAdminDeadLettersRequeue: 'webhook.admin.dead-letters.requeue.v1',
  /** Operator → webhook-ingest: authentic deliveries no connection matched (no tenant; the gateway may not ask). */
  webhookOperatorUnroutableList: 'webhook.operator.unroutable.list.v1',
  webhookOperatorUnroutableReplay: 'webhook.operator.unroutable.replay.v1',
  /** gateway → sync-service: start a sync of one connection's streams now. */
  syncRunStart: 'sync.run.start.v1',
  /** gateway → sync-service: list sync runs with status, counts and errors. */
  syncRunList: 'sync.run.list.v1',
  /** gateway → sync-service: list schedules, and set a stream's interval or pause it. */
  syncScheduleList: 'sync.schedule.list.v1',
  syncScheduleUpdate: 'sync.schedule.update.v1',
  /** gateway → sync-service: read canonical records, keyset-paginated. */
  syncRecordsList: 'sync.records.list.v1',
  /** webhook-ingest → sync-service: erase a connection's canonical records (Shopify `shop/redact`). */
  syncRecordsRedact: 'sync.records.redact.v1',
  /** gateway and operator → sync-service: one product across systems (its identity), by id, SKU or GTIN; conflicts. */
  syncProductIdentityGet: 'sync.products.identity.get.v1',
  syncProductIdentityFind: 'sync.products.identity.find.v1',
  syncProductConflictsList: 'sync.products.conflicts.list.v1',
  /** operator → sync-service: link product records synced before identities existed, a page at a time. */
  syncAdminProductsRelink: 'sync.admin.products.relink.v1',
  /** JetStream work queue (stream SYNC_RUNS, owned by sync-service): one message per run to execute. */
  syncRunRequested: 'sync.run.requested.v1',
  /** sync-service → downstream: one event per changed canonical record (core NATS, after commit). */
  recordsLocationChanged: 'records.location.changed.v1',
  recordsProductChanged: 'records.product.changed.v1',
  recordsInventoryChanged: 'records.inventory.changed.v1',
  recordsOrderChanged: 'records.order.changed.v1',
  /** JetStream (stream OPS_ALERTS, owned by sync-service): operator alerts any service observes (ops-alert.v1.ts). */
  opsAlert: 'ops.alert.v1',
  /** gateway → sync-service: one tenant's alerts; operator → sync-service: every alert. */
  syncAlertsList: 'sync.alerts.list.v1',
  syncAdminAlertsList: 'sync.admin.alerts.list.v1',
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
