import { parseJsonPreservingBigInts, type StreamSpec } from '@shelflink/providers';
import { SyncError } from '../provider/provider.errors.js';

const idKey = (key: string): boolean => key === 'id' || key.endsWith('_id');

/** JSON.parse, or with `id` and `*_id` kept as strings where the provider's ids are 64-bit (Shopify). */
export function jsonParser(spec: Pick<StreamSpec, 'bigIntIds'>): (text: string) => unknown {
  return spec.bigIntIds ? (text) => parseJsonPreservingBigInts(text, { stringifyKey: idKey }) : JSON.parse;
}

/** The typed error of a body that is not the JSON object a page or lookup should be. */
export function malformedResponse(displayName: string): SyncError {
  return new SyncError('MALFORMED_RESPONSE', `${displayName} answered with a body that is not a JSON object`);
}
