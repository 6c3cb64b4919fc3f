import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultBook, FaultSpec } from './faults/faults.js';
import { retryAfterOf } from './faults/faults.js';
import type { Ledger } from './ledger/ledger.js';
import type { Governance } from './netsuite/netsuite-governance.js';
import type { TokenStore } from './oauth/token-store.js';
import type { Registry } from './registry/registry.js';
import { fingerprint } from './util/ids.js';
import type { WebhookEmitter } from './webhooks/webhook-emitter.js';

/** Everything the routes share. */
export interface SandboxState {
  readonly now: () => number;
  readonly registry: Registry;
  readonly tokens: TokenStore;
  readonly ledger: Ledger;
  readonly faults: FaultBook;
  readonly webhooks: WebhookEmitter;
  /** NetSuite's per-account concurrency governance. */
  readonly governance: Governance;
}

/** What the ledger records about one provider request; filled in as the request is handled. */
export interface RequestFacts {
  provider: string;
  endpoint: string;
  account: string | null;
  authKind: string;
  authFingerprint: string | null;
  grantType: string | null;
  apiVersion: string | null;
  retryAfterUntil: number | null;
  fault: string | null;
  recorded: boolean;
  /** `latencyAfter`: the request is handled, then its answer held back this long. */
  holdResponseMs?: number;
  /** `status5xxAfter`: the request is handled, then its answer replaced by this server error. */
  serverErrorAfter?: { status: number; body: unknown };
  /** `cutBody`: the answer starts (status 200, headers) and the connection is cut after this many bytes. */
  cutAfterBytes?: number;
  /** Writes: the id (or key) of the resource the request created. */
  created?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    facts: RequestFacts | null;
  }
  interface FastifyContextConfig {
    provider?: string;
    endpoint?: string;
  }
}

/** Route options naming the provider and ledger endpoint: `cfg('shopify.orders')` with `const cfg = routeConfig('shopify')`. */
export function routeConfig(provider: string) {
  return (endpoint: string): { config: { provider: string; endpoint: string } } => ({ config: { provider, endpoint } });
}

/** A provider's error bodies for injected faults. */
export interface FaultShapes {
  server(status: number): unknown;
  rateLimited(): unknown;
  cursorExpired(): { status: number; body: unknown };
  /** Extra headers a provider sends with a 429 (e.g. Jira's X-RateLimit-*), given the retry instant. */
  rateLimitHeaders?(until: number): Record<string, string>;
}

/** Installs the request-facts decoration and the ledger hook on the root instance. */
export function installLedgerHooks(app: FastifyInstance, state: SandboxState): void {
  app.decorateRequest('facts', null);
  app.addHook('onRequest', async (request) => {
    const { provider, endpoint } = request.routeOptions.config;
    if (provider === undefined || endpoint === undefined) return;
    request.facts = {
      provider,
      endpoint,
      account: null,
      authKind: 'none',
      authFingerprint: null,
      grantType: null,
      apiVersion: null,
      retryAfterUntil: null,
      fault: null,
      recorded: false,
    };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const holdMs = request.facts?.holdResponseMs;
    if (holdMs) await new Promise((resolve) => setTimeout(resolve, holdMs));
    const failed = request.facts?.serverErrorAfter;
    if (failed) {
      void reply.code(failed.status).header('content-type', 'application/json; charset=utf-8');
      payload = JSON.stringify(failed.body);
    }
    const cutAfter = request.facts?.cutAfterBytes;
    if (cutAfter === undefined) return payload;
    // Recorded now: a response cut short never reaches onResponse.
    record(state, request, reply.statusCode);
    return Readable.from(cutShort(payload, cutAfter));
  });
  app.addHook('onResponse', async (request, reply) => record(state, request, reply.statusCode));
}

// The first `bytes` of a payload (string, buffer or stream), then an error that makes Fastify destroy the socket.
async function* cutShort(payload: unknown, bytes: number): AsyncGenerator<Buffer> {
  const chunks: AsyncIterable<unknown> | Iterable<unknown> =
    payload instanceof Readable ? payload : [payload ?? Buffer.alloc(0)];
  let sent = 0;
  for await (const chunk of chunks) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    if (sent + buffer.length >= bytes) {
      yield buffer.subarray(0, bytes - sent);
      if (payload instanceof Readable) payload.destroy();
      throw new Error('sandbox fault cutBody: connection cut mid-body');
    }
    sent += buffer.length;
    yield buffer;
  }
}

function record(state: SandboxState, request: FastifyRequest, status: number): void {
  const facts = request.facts;
  if (!facts || facts.recorded) return;
  facts.recorded = true;
  const { recorded: _recorded, holdResponseMs: _held, serverErrorAfter: _failed, ...rest } = facts;
  state.ledger.add({ ...rest, at: state.now(), method: request.method, path: request.url.split('?')[0] ?? '', status });
}

/** Notes the credential used, by kind and fingerprint only. */
export function noteAuth(request: FastifyRequest, kind: string, credential: string | undefined): void {
  if (!request.facts) return;
  request.facts.authKind = credential ? kind : 'none';
  request.facts.authFingerprint = credential ? fingerprint(credential) : null;
}

export function noteAccount(request: FastifyRequest, account: string | undefined | null): void {
  if (request.facts && account) request.facts.account = account;
}

/** The bearer token of an `Authorization: Bearer x` header. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function hasCursor(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as Record<string, unknown> | undefined;
  const present = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
  return [query?.cursor, query?.page_info, body?.cursor, query?.nextPageToken, body?.nextPageToken].some(present);
}

/**
 * A preHandler for a provider's routes: names the account (identify), then applies armed faults.
 * Returns true when a fault already answered the request.
 */
export async function applyFaults(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  shapes: FaultShapes,
): Promise<boolean> {
  const facts = request.facts;
  if (!facts) return false;
  const taken = state.faults.take({
    provider: facts.provider,
    account: facts.account,
    endpoint: facts.endpoint,
    hasCursor: hasCursor(request),
  });
  for (const fault of taken) {
    if (await applyOne(state, fault, request, reply, shapes)) return true;
  }
  return false;
}

// The status of an injected server error; some providers' 503s carry Retry-After too (Jira), when the fault names one.
function serverError(state: SandboxState, fault: FaultSpec, request: FastifyRequest, reply: FastifyReply): number {
  if (fault.retryAfter !== undefined && request.facts) {
    const retry = retryAfterOf(fault.retryAfter, state.now());
    request.facts.retryAfterUntil = retry.until;
    void reply.header('retry-after', retry.header);
  }
  return fault.status ?? 503;
}

async function applyOne(
  state: SandboxState,
  fault: FaultSpec,
  request: FastifyRequest,
  reply: FastifyReply,
  shapes: FaultShapes,
): Promise<boolean> {
  const facts = request.facts;
  if (!facts) return false;
  facts.fault = fault.kind;
  switch (fault.kind) {
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 1000));
      return false;
    case 'latencyAfter':
      // Done at the provider (tokens issued, old ones spent), answer delayed: the window a client can die in.
      facts.holdResponseMs = fault.ms ?? 1000;
      return false;
    case 'revokeTokens':
      if (facts.account) state.tokens.revokeAccount(fault.provider, facts.account);
      return false;
    case 'cutBody':
      facts.cutAfterBytes = fault.bytes ?? 1000;
      return false;
    case 'dropConnection':
      record(state, request, 0);
      reply.hijack();
      request.raw.socket.destroy();
      return true;
    case 'status5xx': {
      const status = serverError(state, fault, request, reply);
      void reply.code(status).send(shapes.server(status));
      return true;
    }
    case 'status5xxAfter': {
      // Done at the provider (an issue created), then a server error: the client cannot tell it was done.
      const status = serverError(state, fault, request, reply);
      facts.serverErrorAfter = { status, body: shapes.server(status) };
      return false;
    }
    case 'status429': {
      const retry = retryAfterOf(fault.retryAfter, state.now());
      facts.retryAfterUntil = retry.until;
      void reply.headers(shapes.rateLimitHeaders?.(retry.until) ?? {});
      void reply.code(429).header('retry-after', retry.header).send(shapes.rateLimited());
      return true;
    }
    case 'expireCursor': {
      const answer = shapes.cursorExpired();
      void reply.code(answer.status).send(answer.body);
      return true;
    }
  }
}
