import type { WebhookHeaders } from './webhook.types.js';

/** One header's state: absent or empty, sent more than once, or a single value. */
export type HeaderRead =
  { readonly state: 'missing' } | { readonly state: 'duplicate' } | { readonly state: 'value'; readonly value: string };

const MISSING: HeaderRead = { state: 'missing' };
const DUPLICATE: HeaderRead = { state: 'duplicate' };

/** Reads a header case-insensitively; arrays of more than one value and repeated keys count as duplicates. */
export function readHeader(headers: WebhookHeaders, name: string): HeaderRead {
  const wanted = name.toLowerCase();
  let found: HeaderRead = MISSING;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const raw = headers[key];
    const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
    if (values.length === 0) continue;
    if (values.length > 1 || found.state !== 'missing') return DUPLICATE;
    const value = values[0];
    found = typeof value === 'string' && value.trim() !== '' ? { state: 'value', value: value.trim() } : MISSING;
  }
  return found;
}
