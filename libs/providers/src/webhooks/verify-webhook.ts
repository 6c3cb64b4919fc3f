import { jiraProvider } from '../catalog/jira.provider.js';
import { STANDARD_WEBHOOK_SPEC } from '../catalog/generic.provider.js';
import { shopifyProvider } from '../catalog/shopify.provider.js';
import { squareProvider } from '../catalog/square.provider.js';
import type { WebhookScheme, WebhookSpec } from '../provider-definition.js';
import {
  checkJiraSignature,
  checkShopifySignature,
  checkSquareSignature,
  type SignatureCheck,
} from './signature-checks.js';
import { checkStandardWebhook } from './standard-webhooks.verifier.js';
import { extractMetadata, parseJsonObject } from './webhook-body.js';
import type { SignedWebhookScheme, WebhookInput, WebhookVerification } from './webhook.types.js';

// Where each scheme keeps its dedup id, event type and time: the catalog data is the single source.
const SCHEME_SPECS: Readonly<Record<SignedWebhookScheme, WebhookSpec>> = {
  'square-hmac': squareProvider.webhook,
  'shopify-hmac': shopifyProvider.webhook,
  'jira-hub-signature': jiraProvider.webhook,
  'standard-webhooks': STANDARD_WEBHOOK_SPEC,
};

/**
 * Verifies one webhook delivery. Fails closed (no secret, or scheme `none` → `MISSING_SECRET`), compares digests in
 * constant time, treats duplicated signature headers as `MALFORMED_SIGNATURE`, and never throws for caller input.
 */
export function verifyWebhook(scheme: WebhookScheme, input: WebhookInput): WebhookVerification {
  try {
    return verify(scheme, input);
  } catch {
    // Unexpected input shapes (a non-Buffer body, odd header objects) are refused, not thrown.
    return { ok: false, code: 'MALFORMED_BODY' };
  }
}

function verify(scheme: WebhookScheme, input: WebhookInput): WebhookVerification {
  if (scheme === 'none' || !Object.hasOwn(SCHEME_SPECS, scheme)) return { ok: false, code: 'MISSING_SECRET' };
  if (!Array.isArray(input.secrets) || input.secrets.length === 0) return { ok: false, code: 'MISSING_SECRET' };
  if (!Buffer.isBuffer(input.rawBody)) return { ok: false, code: 'MALFORMED_BODY' };
  const checked = checkSignature(scheme, input);
  if (!checked.ok) return checked;
  const body = parseJsonObject(input.rawBody);
  if (!body) return { ok: false, code: 'MALFORMED_BODY' };
  const metadata = extractMetadata(SCHEME_SPECS[scheme], input.headers, body);
  if (!metadata.ok) return metadata;
  return { ...metadata, secretIndex: checked.secretIndex };
}

function checkSignature(scheme: SignedWebhookScheme, input: WebhookInput): SignatureCheck {
  const header = SCHEME_SPECS[scheme].signatureHeader ?? '';
  switch (scheme) {
    case 'square-hmac':
      return checkSquareSignature(input, header);
    case 'shopify-hmac':
      return checkShopifySignature(input, header);
    case 'jira-hub-signature':
      return checkJiraSignature(input, header);
    case 'standard-webhooks':
      return checkStandardWebhook(input);
  }
}
