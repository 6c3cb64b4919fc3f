import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { adminPlugin } from './admin/admin.routes.js';
import type { SandboxConfigFile } from './admin/admin.schemas.js';
import type { DatasetSizes } from './dataset/dataset.js';
import { FaultBook } from './faults/faults.js';
import { genericOAuthPlugin } from './generic/generic-oauth.routes.js';
import { jiraPlugin } from './jira/jira.routes.js';
import { Ledger, type LedgerEntry, type LedgerQuery } from './ledger/ledger.js';
import { Governance } from './netsuite/netsuite-governance.js';
import { netsuitePlugin } from './netsuite/netsuite.routes.js';
import { TokenStore } from './oauth/token-store.js';
import { Registry, type AccountConfig, type AppConfig } from './registry/registry.js';
import { installLedgerHooks, type SandboxState } from './sandbox-context.js';
import { shopifyPlugin } from './shopify/shopify.plugin.js';
import { squarePlugin } from './square/square.plugin.js';
import { wmsPlugin } from './wms/wms.routes.js';
import { celigoPlugin } from './celigo/celigo.routes.js';
import { plytixPlugin } from './plytix/plytix.routes.js';
import { WebhookEmitter } from './webhooks/webhook-emitter.js';

/** Options for {@link startSandbox}. */
export { mintOAuth2Token, mintShopifyToken, mintSquareToken, type MintingApp } from './oauth/token-mint.client.js';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Seed of the deterministic dataset (default 1). */
  readonly seed?: number;
  /** Default sizes per account (default 3 locations, 200 products, 1000 orders). */
  readonly dataset?: Partial<DatasetSizes> & { readonly anchor?: number; readonly spanDays?: number };
  /** The sandbox's notion of now (ms); drives token expiry, codes, the leaky bucket and the ledger. */
  readonly clock?: () => number;
  /** Multiplies the providers' default webhook retry delays (e.g. 0.001 in tests). */
  readonly webhookBackoffScale?: number;
  /** Shopify leaky bucket default (capacity 40, leak 2/s). */
  readonly bucket?: { readonly capacity: number; readonly leakPerSecond: number };
  /** Apps and accounts to register at start. */
  readonly config?: Partial<SandboxConfigFile>;
}

/** A running sandbox. */
export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:4600`; Square is `${url}/square`, a shop is `${url}/shopify/{shop}`. */
  readonly url: string;
  readonly port: number;
  registerApp(app: AppConfig): void;
  registerAccount(account: AccountConfig): void;
  /** Requests received so far (same data as GET /_admin/ledger). */
  ledger(query?: LedgerQuery): LedgerEntry[];
  close(): Promise<void>;
}

/** 2026-01-01T00:00:00Z: generated data ends here unless `dataset.anchor` says otherwise. */
export const DEFAULT_ANCHOR = Date.UTC(2026, 0, 1);

function parseForm(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** Builds the Fastify app without listening (used by startSandbox and tests that inject). */
export function buildSandbox(options: SandboxOptions = {}): { app: FastifyInstance; state: SandboxState } {
  const now = options.clock ?? Date.now;
  const registry = new Registry({
    seed: options.seed ?? 1,
    sizes: {
      locations: options.dataset?.locations ?? 3,
      products: options.dataset?.products ?? 200,
      orders: options.dataset?.orders ?? 1000,
    },
    anchor: options.dataset?.anchor ?? DEFAULT_ANCHOR,
    spanDays: options.dataset?.spanDays ?? 365,
    bucket: options.bucket ?? { capacity: 40, leakPerSecond: 2 },
    now,
  });
  const ledger = new Ledger();
  // Every delivery attempt goes in the ledger, so tests can assert where events went.
  const webhooks = new WebhookEmitter(
    now,
    options.webhookBackoffScale ?? 1,
    (provider, account, at, status, delivery) =>
      ledger.add({
        at,
        provider,
        account,
        method: 'POST',
        path: delivery.url,
        endpoint: `${provider}.webhook.delivery`,
        authKind: 'none',
        authFingerprint: null,
        status: status ?? 0,
        grantType: null,
        apiVersion: null,
        retryAfterUntil: null,
        fault: null,
        delivery,
      }),
  );
  const state: SandboxState = {
    now,
    registry,
    tokens: new TokenStore(now),
    ledger,
    faults: new FaultBook(),
    webhooks,
    governance: new Governance(),
  };
  for (const app of options.config?.apps ?? []) registry.upsertApp(app);
  for (const account of options.config?.accounts ?? []) registry.upsertAccount(account);
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseForm(String(body))),
  );
  installLedgerHooks(app, state);
  void app.register(squarePlugin(state), { prefix: '/square' });
  void app.register(shopifyPlugin(state), { prefix: '/shopify/:shop' });
  void app.register(genericOAuthPlugin(state));
  void app.register(jiraPlugin(state), { prefix: '/atlassian/ex/jira/:cloudId' });
  void app.register(netsuitePlugin(state), { prefix: '/netsuite/:accountId' });
  void app.register(plytixPlugin(state), { prefix: '/plytix' });
  void app.register(celigoPlugin(state), { prefix: '/celigo' });
  void app.register(wmsPlugin(state), { prefix: '/wms' });
  void app.register(adminPlugin(state), { prefix: '/_admin' });
  app.addHook('onClose', async () => state.webhooks.close());
  return { app, state };
}

/** Starts the provider sandbox over real HTTP. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const { app, state } = buildSandbox(options);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    registerApp: (config) => void state.registry.upsertApp(config),
    registerAccount: (config) => void state.registry.upsertAccount(config),
    ledger: (query) => state.ledger.list(query),
    close: () => app.close(),
  };
}
