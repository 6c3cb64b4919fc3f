import type { RecordEntity } from '@shelflink/contracts';
import { valueAt, type ProviderDefinition, type StreamSpec } from '@shelflink/providers';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderCatalog, type ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { CatalogStream } from './catalog-stream.js';
import type { CanonicalRecord, ProviderPuller, StreamPuller } from './puller.port.js';
import { hookContext, type PullerPlugin } from './puller-plugin.js';
import { jsonParser, malformedResponse } from './provider-json.js';

type Json = Record<string, unknown>;

/**
 * A provider pulled as its catalog entry says. The plugin brings what data cannot: a mapper per stream, and hooks.
 * A stream without a mapper is not pulled; a provider this deployment does not configure has no streams.
 */
export class CatalogPuller implements ProviderPuller {
  readonly provider: string;
  readonly streams: Readonly<Partial<Record<RecordEntity, StreamPuller>>>;
  private readonly definition: ProviderDefinition | undefined;

  constructor(
    private readonly plugin: PullerPlugin,
    private readonly http: ProviderHttpClient,
    catalog: ProviderCatalog,
    config: SyncConfig,
  ) {
    this.provider = plugin.provider;
    this.definition = catalog.definition(plugin.provider);
    const streams: Partial<Record<RecordEntity, StreamPuller>> = {};
    for (const [entity, spec] of Object.entries(this.definition?.streams ?? {}) as [RecordEntity, StreamSpec][]) {
      const map = plugin.mappers[entity];
      if (!map) continue;
      streams[entity] = new CatalogStream({
        entity,
        spec,
        displayName: this.definition?.displayName ?? plugin.provider,
        map,
        hooks: plugin.hooks?.[entity] ?? {},
        pageSize: config.SYNC_PAGE_SIZE,
        http,
        sibling: (other) => streams[other],
      });
    }
    this.streams = streams;
  }

  /** The order through the orders stream's `lookup`; null when the provider no longer has it or cannot be asked. */
  async fetchOrder(account: ProviderAccount, externalId: string): Promise<CanonicalRecord | null> {
    const spec = this.definition?.streams.orders;
    const lookup = spec?.lookup;
    const map = this.plugin.mappers.orders;
    if (!spec || !lookup || !map) return null;
    if (lookup.idPattern !== undefined && !new RegExp(lookup.idPattern).test(externalId)) return null;
    const response = await this.http.send(account, {
      method: lookup.method,
      path: lookup.path.replace('{id}', encodeURIComponent(externalId)),
      ...(lookup.body ? { body: withId(lookup.body, externalId) } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
    });
    const items = valueAt(this.parseObject(spec, response.text), lookup.itemsPath);
    const first: unknown = Array.isArray(items) ? items[0] : undefined;
    if (typeof first !== 'object' || first === null) return null;
    const details = this.plugin.hooks?.orders?.withDetails;
    const [item] = details
      ? await details(hookContext(this.http, account, jsonParser(spec)), [first as Json])
      : [first];
    return item ? map(item as Json, account) : null;
  }

  private parseObject(spec: StreamSpec, text: string): Json {
    try {
      const value = jsonParser(spec)(text === '' ? '{}' : text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    } catch {
      // fall through to the typed error
    }
    throw malformedResponse(this.definition?.displayName ?? this.provider);
  }
}

/** The lookup body with `{id}` replaced by the id in every string (inside a query only where `idPattern` guards it). */
function withId(value: unknown, id: string): Json {
  const replace = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll('{id}', id);
    if (Array.isArray(v)) return v.map(replace);
    if (typeof v === 'object' && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(value) as Json;
}
