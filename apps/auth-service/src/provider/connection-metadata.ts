import { BusError } from '@shelflink/contracts';
import { ProviderError, templatePlaceholders, validateUrlPart, type ProviderDefinition } from '@shelflink/providers';

/** Validates URL-bound metadata (shop, accountId, cloudId, region) against the provider's patterns. */
export function validateMetadata(
  definition: ProviderDefinition,
  metadata: Record<string, unknown>,
  templates: readonly string[],
): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) if (value !== undefined) clean[key] = value;
  const required = new Set(templates.flatMap((template) => templatePlaceholders(template)));
  for (const name of new Set([...Object.keys(definition.urlParts), ...required])) {
    const value = clean[name];
    if (value === undefined && !required.has(name)) continue;
    try {
      validateUrlPart(name, typeof value === 'string' ? value : undefined, definition.urlParts);
    } catch (error) {
      const message = error instanceof ProviderError ? error.message : 'invalid';
      throw new BusError('INVALID_REQUEST', `metadata.${name}: ${message}`, 'VALIDATION_FAILED');
    }
  }
  return clean;
}
