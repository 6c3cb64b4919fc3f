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
export async function mutateOrders(
  sandboxUrl: string,
  provider: string,
  account: string,
  orders: number,
): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_admin/data/mutate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider, account, orders }),
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
