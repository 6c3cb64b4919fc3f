import { connect, ErrorCode, NatsError, type NatsConnection } from 'nats';
import { parseReply, type RequestContract } from '../../../libs/contracts/src/contract.js';
import { BusError } from '../../../libs/contracts/src/errors.js';
import { consumerTbaSignContract } from '../../../libs/contracts/src/auth/tba-sign.v1.js';
import { consumerTokenGetContract } from '../../../libs/contracts/src/auth/token-get.v1.js';
import {
  consumerProviderRequestContract,
  type ProviderRequestRequest,
  type ProviderRequestResponse,
} from '../../../libs/contracts/src/provider/provider-request.v1.js';
import { consumerSubject } from '../../../libs/contracts/src/services/consumer-service.js';
import { tokenFingerprint } from '../../../libs/crypto/src/secret-hash.js';
import type { z } from 'zod';
import { credentialsSchema, type ShelflinkCredentials } from './credentials.js';
import { ShelflinkError } from './errors.js';
import { Records } from './records.js';
import { Replies } from './replies.js';

export interface ClientOptions {
  /** How long a request waits for auth-service before it fails with UNAVAILABLE. Default 5 000 ms. */
  timeoutMs?: number;
  /** A cached token is fetched again this long before it expires. Default 60 000 ms. */
  refreshBeforeMs?: number;
  /** How long a token without an expiry (an API key, a Shopify offline token) is cached. Default 300 000 ms. */
  staticTokenCacheMs?: number;
}

/** A provider token and the headers to send with it (`Authorization`, and the provider's version header). */
export interface ProviderToken {
  accessToken: string;
  tokenType: string;
  headers: Record<string, string>;
  /** null: the token does not expire (until revoked). */
  expiresAt: Date | null;
}

export interface NetSuiteRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
}

interface Cached {
  token: ProviderToken;
  refreshAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** sync-service's default proxy deadline (PROXY_DEADLINE_MS). */
const PROXY_DEADLINE_MS = 30_000;

/**
 * A consumer service's connection to Shelflink: tokens and NetSuite signatures from auth-service, and provider calls
 * through the proxy, under the service's own NATS identity and grants. Reconnects by itself across NATS restarts; a
 * call made while NATS is away fails with UNAVAILABLE after its timeout.
 */
export class ShelflinkClient {
  /** The durable feed of record changes. */
  readonly records: Records;
  private readonly replies: Replies;
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<ProviderToken>>();
  private readonly timeoutMs: number;
  private readonly refreshBeforeMs: number;
  private readonly staticTokenCacheMs: number;

  private constructor(
    private readonly connection: NatsConnection,
    readonly credentials: ShelflinkCredentials,
    options: ClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
    this.staticTokenCacheMs = options.staticTokenCacheMs ?? 300_000;
    this.records = new Records(connection, credentials);
    this.replies = new Replies(connection, credentials.inboxPrefix);
  }

  /** From exactly the JSON `npx shelflink services add` printed (parsed, or as the string). */
  static async connect(credentials: unknown, options: ClientOptions = {}): Promise<ShelflinkClient> {
    const parsed = credentialsSchema.safeParse(typeof credentials === 'string' ? JSON.parse(credentials) : credentials);
    if (!parsed.success)
      throw new ShelflinkError('INVALID_REQUEST', `Invalid credentials: ${parsed.error.issues[0]?.path.join('.')}`);
    const { natsUrl, user, password, inboxPrefix, service } = parsed.data;
    try {
      const connection = await connect({
        servers: natsUrl.split(','),
        user,
        pass: password,
        inboxPrefix,
        name: `shelflink-client:${service}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        // Two stack traces per request (for a timeout that rarely comes) were a fifth of a call's CPU.
        noAsyncTraces: true,
      });
      return new ShelflinkClient(connection, parsed.data, options);
    } catch (error) {
      if (natsCode(error) === String(ErrorCode.AuthorizationViolation))
        throw new ShelflinkError(
          'UNAUTHENTICATED',
          `NATS refused user ${user}: the service was removed or its password is wrong`,
        );
      throw new ShelflinkError('UNAVAILABLE', `Cannot reach NATS at ${natsUrl}`);
    }
  }

  /** A valid token for one connection; cached until `refreshBeforeMs` before it expires, one request at a time. */
  async getToken(tenantId: string, connectionId: string): Promise<ProviderToken> {
    const key = `${tenantId}\u0000${connectionId}`;
    const cached = this.cache.get(key);
    if (cached && cached.refreshAt > Date.now()) return cached.token;
    const running = this.inFlight.get(key);
    if (running) return running;
    const fetched = this.fetchToken(key, { tenantId, connectionId }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetched);
    return fetched;
  }

  /**
   * The provider refused `refusedAccessToken` before its expiry: auth-service renews it where the scheme can (once,
   * however many services report it) and answers with the newest token. Only a fingerprint of it is sent.
   */
  async reportRefusedToken(tenantId: string, connectionId: string, refusedAccessToken: string): Promise<ProviderToken> {
    const key = `${tenantId}\u0000${connectionId}`;
    this.cache.delete(key);
    return this.fetchToken(key, {
      tenantId,
      connectionId,
      refusedTokenFingerprint: tokenFingerprint(refusedAccessToken),
    });
  }

  /** NetSuite TBA signs each request: the `Authorization` header for this one (no token leaves auth-service). */
  async signNetSuiteRequest(
    tenantId: string,
    connectionId: string,
    request: NetSuiteRequest,
  ): Promise<{ headers: Record<string, string> }> {
    return this.request(consumerTbaSignContract, { tenantId, connectionId, ...request });
  }

  /**
   * One call to the provider's API through Shelflink's proxy (`provider.request.v1.<service>`), within this service's
   * grants: the path is relative to the provider's API base, auth is injected, and the call spends the account's
   * shared rate budget. Answers the provider's `{status, headers, body, bodyEncoding}`, whatever the status.
   */
  async callProvider(
    tenantId: string,
    connectionId: string,
    request: Omit<ProviderRequestRequest, 'tenantId' | 'connectionId' | 'paginate' | 'maxPages' | 'maxItems'>,
  ): Promise<ProviderRequestResponse> {
    // The proxy may wait for the budget and retry within its deadline: wait a little longer than that for the reply.
    const timeoutMs = Math.max(this.timeoutMs, (request.deadlineMs ?? PROXY_DEADLINE_MS) + 1_000);
    return this.request(consumerProviderRequestContract, { tenantId, connectionId, ...request }, timeoutMs);
  }

  /** Drains pending replies (for at most 2 s: never waits for a server that is gone) and closes the connection. */
  async close(): Promise<void> {
    if (this.connection.isClosed()) return;
    const drained = this.connection.drain().catch(() => undefined);
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    if (!this.connection.isClosed()) await this.connection.close();
    this.replies.closed();
  }

  private async fetchToken(
    key: string,
    body: z.input<typeof consumerTokenGetContract.request>,
  ): Promise<ProviderToken> {
    try {
      const reply = await this.request(consumerTokenGetContract, body);
      const token = { ...reply, expiresAt: reply.expiresAt === null ? null : new Date(reply.expiresAt) };
      const refreshAt =
        token.expiresAt === null
          ? Date.now() + this.staticTokenCacheMs
          : token.expiresAt.getTime() - this.refreshBeforeMs;
      this.cache.set(key, { token, refreshAt });
      return token;
    } catch (error) {
      this.cache.delete(key);
      throw error;
    }
  }

  private async request<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    body: z.input<Req>,
    timeoutMs = this.timeoutMs,
  ): Promise<z.output<Res>> {
    const subject = consumerSubject(contract.subject, this.credentials.service);
    let data: Uint8Array;
    try {
      data = await this.replies.request(subject, encoder.encode(JSON.stringify(body)), timeoutMs);
    } catch (error) {
      throw requestFailure(error, subject, timeoutMs);
    }
    try {
      return parseReply(contract, JSON.parse(decoder.decode(data)));
    } catch (error) {
      if (error instanceof BusError) throw new ShelflinkError(error.code, error.message);
      throw new ShelflinkError('INTERNAL', `Malformed reply on ${subject}`);
    }
  }
}

/** NATS failures as the client's codes: nobody answering, or no answer in time, is UNAVAILABLE. */
function requestFailure(error: unknown, subject: string, timeoutMs: number): ShelflinkError {
  const code = natsCode(error);
  if (code === String(ErrorCode.PermissionsViolation))
    return new ShelflinkError('FORBIDDEN', `This service's NATS user may not publish ${subject}`);
  if (code === String(ErrorCode.Timeout))
    return new ShelflinkError('UNAVAILABLE', `No reply on ${subject} within ${timeoutMs} ms`);
  if (code === String(ErrorCode.NoResponders))
    return new ShelflinkError('UNAVAILABLE', `auth-service is not answering ${subject}`);
  return new ShelflinkError('UNAVAILABLE', `The request on ${subject} could not be sent`);
}

const natsCode = (error: unknown): string | undefined => (error instanceof NatsError ? error.code : undefined);
