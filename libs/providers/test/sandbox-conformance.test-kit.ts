import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildProviderUrl,
  findAuth,
  parseJsonPreservingBigInts,
  walkPages,
  type PageRequest,
  type ResolvedProvider,
  type SendPage,
  type StreamSpec,
} from '@shelflink/providers';

/** Test helpers for sandbox-conformance.int-spec.ts: transport, request building, oracles, webhook receiver. */

/** The walker's transport over fetch; JSON bodies, headers lower-cased by fetch. */
export const fetchSend: SendPage = async (request) => {
  const init: RequestInit = { method: request.method, headers: { ...request.headers } };
  if (request.body !== undefined) {
    init.headers = { ...request.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(request.body);
  }
  const response = await fetch(request.url, init);
  return { status: response.status, headers: Object.fromEntries(response.headers), bodyText: await response.text() };
};

/** The first request of a stream, built only from the catalog entry and the resolved config. */
export function streamRequest(
  provider: ResolvedProvider,
  stream: StreamSpec,
  token: string,
  options: {
    readonly params?: Record<string, string>;
    readonly query?: string;
    readonly body?: Record<string, unknown>;
  } = {},
): PageRequest {
  const { definition } = provider;
  const auth = findAuth(definition, 'oauth2')?.requestAuth;
  if (auth?.kind !== 'header') throw new Error(`${definition.key} has no header auth`);
  const template = `${definition.apiBase ?? ''}${stream.path}${options.query ?? ''}`;
  const url = buildProviderUrl(template, options.params ?? {}, definition.urlParts, {
    allowLoopbackHttp: provider.allowLoopbackHttp,
  });
  const headers = { ...definition.extraHeaders, [auth.header]: auth.format.replace('{token}', token) };
  return { method: stream.method, url, headers, ...(options.body ? { body: options.body } : {}) };
}

/** Every item of a walk, page by page. */
export async function walkAll(stream: StreamSpec, first: PageRequest): Promise<unknown[][]> {
  const pages: unknown[][] = [];
  for await (const items of walkPages(stream, first, fetchSend)) pages.push([...items]);
  return pages;
}

/** Property of a parsed record as exact digits or text (64-bit ids arrive as strings, small ones as numbers). */
export function field(record: unknown, key: string): string {
  const value = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`record has no ${key}`);
  return String(value);
}

/** The sandbox's truth for one entity: raw NDJSON lines, each parsed keeping 64-bit integers. */
export async function exportRecords(base: string, provider: string, account: string, entity: string) {
  const query = new URLSearchParams({ provider, account, entity });
  const response = await fetch(`${base}/_admin/data/export?${query.toString()}`);
  if (response.status !== 200) throw new Error(`export ${entity}: ${response.status}`);
  const lines = (await response.text()).split('\n').filter((line) => line !== '');
  return lines.map((raw) => ({ raw, record: parseJsonPreservingBigInts(raw) }));
}

/** Asserts no duplicates and returns the set. */
export function uniqueSet(values: readonly string[]): Set<string> {
  const set = new Set(values);
  if (set.size !== values.length) throw new Error(`${values.length - set.size} duplicate keys`);
  return set;
}

/** One webhook delivery as the receiver saw it: raw bytes and headers. */
export interface Delivery {
  readonly rawBody: Buffer;
  readonly headers: IncomingHttpHeaders;
}

/** A local node:http receiver the sandbox emitter posts to; answers 200 and keeps raw bodies. */
export async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({ rawBody: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return { url: `http://127.0.0.1:${port}/hooks`, deliveries, close };
}

export function required<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('missing test fixture');
  return value;
}

export function variationIds(item: unknown): string[] {
  const data = typeof item === 'object' && item !== null ? (item as { item_data?: { variations?: unknown[] } }) : {};
  return (data.item_data?.variations ?? []).map((v) => field(v, 'id'));
}

export const countKey = (count: unknown): string =>
  `${field(count, 'catalog_object_id')}|${field(count, 'location_id')}|${field(count, 'state')}`;
export const levelKey = (level: unknown): string =>
  `${field(level, 'inventory_item_id')}|${field(level, 'location_id')}`;
