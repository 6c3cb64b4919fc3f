import { readHeader } from './webhook-headers.js';
import { B64_SHA256, matchSecrets, type SecretKey, type SignatureCheck } from './signature-checks.js';
import type { WebhookFailureCode, WebhookInput } from './webhook.types.js';

const DEFAULT_TOLERANCE_SECONDS = 300;
const B64_SECRET = /^[A-Za-z0-9+/]+={0,2}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
const MAX_SIGNATURES = 16;

/**
 * Standard Webhooks `v1`: base64 HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` with the base64-decoded
 * secret (`whsec_` prefix optional); several space-separated `v1,<sig>` entries; timestamp within ±tolerance.
 */
export function checkStandardWebhook(input: WebhookInput): SignatureCheck {
  const keys = input.secrets.flatMap((secret, index) => {
    const key = decodeStandardWebhookSecret(secret);
    return key ? [{ index, key }] : [];
  });
  if (keys.length === 0) return fail('MISSING_SECRET');
  const header = readHeader(input.headers, 'webhook-signature');
  if (header.state !== 'value') return fail(header.state === 'missing' ? 'MISSING_SIGNATURE' : 'MALFORMED_SIGNATURE');
  const id = readHeader(input.headers, 'webhook-id');
  if (id.state === 'missing') return fail('MISSING_DEDUP_ID');
  // The id is opaque (dots included, as the reference library signs them): it comes from the header, not the content.
  if (id.state === 'duplicate') return fail('MALFORMED_SIGNATURE');
  const timestamp = readHeader(input.headers, 'webhook-timestamp');
  if (timestamp.state === 'missing') return fail('MISSING_SIGNATURE');
  if (timestamp.state === 'duplicate' || !TIMESTAMP.test(timestamp.value)) return fail('MALFORMED_SIGNATURE');
  const signatures = parseSignatures(header.value);
  if (signatures.length === 0) return fail('MALFORMED_SIGNATURE');
  const content = [Buffer.from(`${id.value}.${timestamp.value}.`, 'utf8'), input.rawBody];
  const result = anyMatch(keys, signatures, content);
  if (!result.ok) return result;
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.abs(input.now.getTime() / 1000 - Number(timestamp.value));
  return skew > tolerance ? fail('TIMESTAMP_OUT_OF_TOLERANCE') : result;
}

/** `whsec_<base64>` or bare base64 → key bytes; undefined when not usable. */
export function decodeStandardWebhookSecret(secret: string): Buffer | undefined {
  if (typeof secret !== 'string') return undefined;
  const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!B64_SECRET.test(body)) return undefined;
  const key = Buffer.from(body, 'base64');
  return key.length > 0 ? key : undefined;
}

function anyMatch(
  keys: readonly SecretKey[],
  signatures: readonly Buffer[],
  content: readonly Buffer[],
): SignatureCheck {
  for (const signature of signatures) {
    const check = matchSecrets(keys, signature, content);
    if (check.ok) return check;
  }
  return fail('BAD_SIGNATURE');
}

/** `v1,<base64>` entries with a 32-byte digest; other versions and malformed entries are skipped. */
function parseSignatures(header: string): Buffer[] {
  const entries = header
    .split(' ')
    .filter((entry) => entry !== '')
    .slice(0, MAX_SIGNATURES);
  const result: Buffer[] = [];
  for (const entry of entries) {
    const comma = entry.indexOf(',');
    if (comma > 0 && entry.slice(0, comma) === 'v1' && B64_SHA256.test(entry.slice(comma + 1))) {
      result.push(Buffer.from(entry.slice(comma + 1), 'base64'));
    }
  }
  return result;
}

function fail(code: WebhookFailureCode): SignatureCheck {
  return { ok: false, code };
}
