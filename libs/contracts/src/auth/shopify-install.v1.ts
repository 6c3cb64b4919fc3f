import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * `auth.install.shopify.v1` (gateway → auth-service): Shopify opened the app URL with `shop`, `timestamp` and `hmac`.
 * The raw query goes untouched (Shopify signs it); the answer is where to send the merchant: the OAuth authorize URL
 * of a connect session for the deployment's install tenant.
 */
export const shopifyInstallRequest = z.object({ rawQuery: z.string().max(8192) });
export const shopifyInstallResponse = z.object({ authorizeUrl: z.string() });
export const shopifyInstallContract = defineRequest(
  subjects.authShopifyInstall,
  shopifyInstallRequest,
  shopifyInstallResponse,
);
