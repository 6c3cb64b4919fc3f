import { Injectable } from '@nestjs/common';
import {
  BusError,
  connectionLookupContract,
  proxyTbaSignContract,
  proxyTokenGetContract,
  tbaSignContract,
  tokenGetContract,
  type ConnectionSummary,
  type ProxyMethod,
  type TokenGetResponse,
} from '@shelflink/contracts';
import { tokenFingerprint } from '@shelflink/crypto';
import { NatsClient } from '@shelflink/messaging';
import type { ProviderAccount } from './provider-catalog.service.js';

/** Ready-to-attach auth headers (e.g. `X-Shopify-Access-Token`) and the fingerprint that names their token. */
export interface AuthHeaders {
  headers: Record<string, string>;
  fingerprint: string;
}

interface CachedToken extends AuthHeaders {
  validUntil: number;
}

// Tokens are reused briefly; auth-service refreshes ahead of expiry, so never past expiresAt minus this margin.
const TOKEN_MARGIN_MS = 60_000;
const TOKEN_REUSE_MS = 5 * 60_000;
const AUTH_TIMEOUT_MS = 5_000;
// A connection disconnected or sent to re-auth is seen within this long (its token is refused at once anyway).
const LOOKUP_REUSE_MS = 5_000;
/** Callers that are Shelflink itself; any other caller is a consumer service whose grants auth-service checks. */
const OWN_CALLERS = new Set(['sync', 'admin']);
/** A signature names no token: a 401 on a signed request is never renewable. */
const SIGNED = 'signed';
const SIGN_ATTEMPTS = 3;

/**
 * Every NetSuite request needs its own signature: one auth-service reply that comes too late is asked for again
 * rather than failing the run (nothing was sent to the provider; an unused signature's nonce is simply never seen).
 */
async function askAgainOnTimeout<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      if (attempt >= SIGN_ATTEMPTS || !(error instanceof BusError && error.code === 'TIMEOUT')) throw error;
    }
  }
}

/** Connection details and request headers from auth-service, the only holder of secrets. */
@Injectable()
export class ConnectionDirectory {
  /** Keyed by caller, tenant and connection: a request naming another tenant's connection never hits an entry. */
  private readonly tokens = new Map<string, CachedToken>();
  private readonly summaries = new Map<string, { summary: ConnectionSummary; validUntil: number }>();

  constructor(private readonly nats: NatsClient) {}

  /**
   * The connection's status and metadata; with `reuse`, an answer up to LOOKUP_REUSE_MS old (a proxy call must not
   * cost an auth-service round trip each; a sync run always asks). Keyed by tenant and connection like the tokens.
   * @throws BusError NOT_FOUND for an unknown connection or one of another tenant.
   */
  async lookup(tenantId: string, connectionId: string, reuse = false): Promise<ConnectionSummary> {
    const key = cacheKey('lookup', tenantId, connectionId);
    const cached = this.summaries.get(key);
    if (reuse && cached && cached.validUntil > Date.now()) return cached.summary;
    const summary = await this.nats.request(connectionLookupContract, { tenantId, connectionId }, AUTH_TIMEOUT_MS);
    this.summaries.set(key, { summary, validUntil: Date.now() + LOOKUP_REUSE_MS });
    return summary;
  }

  /**
   * The connection's auth headers for `caller` (default `sync`), cached until shortly before expiry.
   * @throws BusError FORBIDDEN when a consumer service's grants do not cover the connection.
   */
  async authHeaders(tenantId: string, connectionId: string, caller = 'sync'): Promise<AuthHeaders> {
    const cached = this.tokens.get(cacheKey(caller, tenantId, connectionId));
    if (cached && cached.validUntil > Date.now()) return cached;
    return this.fetch(caller, tenantId, connectionId);
  }

  /** The headers of one request: a TBA signature of exactly it (NetSuite), else the connection's token. */
  async authFor(account: ProviderAccount, method: ProxyMethod, url: string, caller = 'sync'): Promise<AuthHeaders> {
    const { tenantId, id, authMode } = account.connection;
    if (authMode !== 'tba') return this.authHeaders(tenantId, id, caller);
    // HEAD is signed as GET: the signature base string names the method, and TBA signs the five it knows.
    const signed = { tenantId, connectionId: id, method: method === 'HEAD' ? ('GET' as const) : method, url };
    const reply = await askAgainOnTimeout(() =>
      OWN_CALLERS.has(caller)
        ? this.nats.request(tbaSignContract, signed, AUTH_TIMEOUT_MS)
        : this.nats.request(proxyTbaSignContract, { ...signed, service: caller }, AUTH_TIMEOUT_MS),
    );
    return { headers: reply.headers, fingerprint: SIGNED };
  }

  /**
   * Reports a token the provider refused; auth-service renews it if it can. True when a different token is now
   * cached, worth one more try; false when auth-service still holds the refused one (not renewable).
   * @throws BusError NEEDS_REAUTH when the renewal was refused too.
   */
  async renewRefused(
    tenantId: string,
    connectionId: string,
    refusedFingerprint: string,
    caller = 'sync',
  ): Promise<boolean> {
    if (refusedFingerprint === SIGNED) return false;
    const current = await this.fetch(caller, tenantId, connectionId, refusedFingerprint);
    return current.fingerprint !== refusedFingerprint;
  }

  /** Forgets every cached token and connection lookup of this replica; returns how many entries each held. */
  clearCaches(): { tokens: number; connections: number } {
    const cleared = { tokens: this.tokens.size, connections: this.summaries.size };
    this.tokens.clear();
    this.summaries.clear();
    return cleared;
  }

  private async fetch(
    caller: string,
    tenantId: string,
    connectionId: string,
    refusedTokenFingerprint?: string,
  ): Promise<CachedToken> {
    const request = { tenantId, connectionId, ...(refusedTokenFingerprint ? { refusedTokenFingerprint } : {}) };
    const token: TokenGetResponse = OWN_CALLERS.has(caller)
      ? await this.nats.request(tokenGetContract, request, AUTH_TIMEOUT_MS)
      : await this.nats.request(proxyTokenGetContract, { ...request, service: caller }, AUTH_TIMEOUT_MS);
    const expiresAt = token.expiresAt === null ? Infinity : Date.parse(token.expiresAt);
    const cached = {
      headers: token.headers,
      fingerprint: tokenFingerprint(token.accessToken),
      validUntil: Math.min(Date.now() + TOKEN_REUSE_MS, expiresAt - TOKEN_MARGIN_MS),
    };
    this.tokens.set(cacheKey(caller, tenantId, connectionId), cached);
    return cached;
  }
}

const cacheKey = (caller: string, tenantId: string, connectionId: string): string =>
  `${caller}\n${tenantId}\n${connectionId}`;
