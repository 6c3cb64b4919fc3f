// Test support: sandbox accounts with tokens minted through the sandbox's own OAuth endpoints, and the sandbox's
// data in canonical form (the oracle the synced tables are compared with).
import { parseJsonPreservingBigInts } from '@shelflink/providers';
import {
  mintShopifyToken as mintSandboxShopifyToken,
  mintSquareToken as mintSandboxSquareToken,
} from '@shelflink/sandbox';

const REDIRECT = 'http://127.0.0.1/callback';
const SQUARE_SCOPES = 'ORDERS_READ ITEMS_READ INVENTORY_READ MERCHANT_PROFILE_READ';
const SHOPIFY_SCOPES = 'read_products,read_orders,read_inventory,read_locations';
export const SQUARE_APP = {
  provider: 'square' as const,
  clientId: 'sync-test-square',
  clientSecret: 'sync-test-square-secret',
  redirectUris: [REDIRECT],
};
export const SHOPIFY_APP = {
  provider: 'shopify' as const,
  clientId: 'sync-test-shopify',
  clientSecret: 'sync-test-shopify-secret',
  redirectUris: [REDIRECT],
};

/** A Square access token for `merchantId` (code flow; 30 days). */
export function mintSquareToken(sandboxUrl: string, merchantId: string): Promise<string> {
  return mintSandboxSquareToken(sandboxUrl, SQUARE_APP, merchantId, SQUARE_SCOPES);
}

/** A non-expiring Shopify offline token for `shop`. */
export function mintShopifyToken(sandboxUrl: string, shop: string): Promise<string> {
  return mintSandboxShopifyToken(sandboxUrl, SHOPIFY_APP, shop, SHOPIFY_SCOPES);
}

type Json = Record<string, unknown>;

/** The sandbox's records of one entity, exactly as its API renders them (ids kept as strings). */
export async function exportEntity(
  sandboxUrl: string,
  provider: string,
  account: string,
  entity: string,
): Promise<Json[]> {
  const query = new URLSearchParams({ provider, account, entity });
  const response = await fetch(`${sandboxUrl}/_admin/data/export?${query.toString()}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`export ${entity} failed (${response.status})`);
  const idKey = (key: string): boolean => key === 'id' || key.endsWith('_id');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseJsonPreservingBigInts(line, { stringifyKey: idKey }) as Json);
}

/** Asks the sandbox to change `n` orders (version + 1, updated_at = now). */
export function mutateOrders(sandboxUrl: string, provider: string, account: string, orders: number): Promise<void> {
  return mutate(sandboxUrl, { provider, account, orders });
}

/** Asks the sandbox to change `n` products (version + 1, updated_at = now). */
export function mutateProducts(sandboxUrl: string, provider: string, account: string, products: number): Promise<void> {
  return mutate(sandboxUrl, { provider, account, products });
}

async function mutate(sandboxUrl: string, body: Json): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_admin/data/mutate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`mutate failed (${response.status})`);
}

/** Adds a fault (see tools/sandbox/README.md). */
export async function addFault(sandboxUrl: string, fault: Json): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!response.ok) throw new Error(`fault failed (${response.status})`);
}

export async function clearFaults(sandboxUrl: string): Promise<void> {
  await fetch(`${sandboxUrl}/_admin/faults`, { method: 'DELETE' });
}

export const NETSUITE_APP = {
  provider: 'netsuite' as const,
  clientId: 'sync-test-netsuite',
  clientSecret: 'sync-test-netsuite-secret',
  redirectUris: [REDIRECT],
};
/** Plytix apps are API keys: the key names the account, the password is the secret. */
export const PLYTIX_APP = {
  provider: 'plytix' as const,
  clientId: 'sync-test-plytix-key',
  clientSecret: 'sync-test-plytix-password',
  redirectUris: [REDIRECT],
};

/** A NetSuite OAuth 2.0 access token (60 minutes) for `accountId` (`1234567_SB1`), through the sandbox's code flow. */
export async function mintNetSuiteToken(sandboxUrl: string, accountId: string): Promise<string> {
  const base = `${sandboxUrl}/netsuite/${accountId}`;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: NETSUITE_APP.clientId,
    redirect_uri: REDIRECT,
    scope: 'rest_webservices',
    state: 'sync-test-state-0123456789',
  });
  const authorize = await fetch(`${base}/app/login/oauth2/authorize.nl?${query.toString()}`, { redirect: 'manual' });
  await authorize.arrayBuffer();
  const code = new URL(authorize.headers.get('location') ?? 'http://x/').searchParams.get('code') ?? '';
  const basic = Buffer.from(`${NETSUITE_APP.clientId}:${NETSUITE_APP.clientSecret}`).toString('base64');
  const response = await fetch(`${base}/services/rest/auth/oauth2/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
  });
  const answer = (await response.json()) as { access_token?: string };
  if (!answer.access_token) throw new Error(`NetSuite token exchange failed (${response.status})`);
  return answer.access_token;
}

/** A Plytix token (key and password → JWT), through the sandbox's get-token. */
export async function plytixLogin(sandboxUrl: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/plytix/auth/api/get-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: PLYTIX_APP.clientId, api_password: PLYTIX_APP.clientSecret }),
  });
  const answer = (await response.json()) as { data?: { access_token?: string }[] };
  const token = answer.data?.[0]?.access_token;
  if (!token) throw new Error(`Plytix login failed (${response.status})`);
  return token;
}
