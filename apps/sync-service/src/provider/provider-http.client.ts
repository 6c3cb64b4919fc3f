import { Injectable } from '@nestjs/common';
import { isAscii } from 'node:buffer';
import type { ProxyMethod } from '@shelflink/contracts';
import { bufferedAnswer, sendProviderRequest, type ProviderHttpAnswer } from '@shelflink/providers';
import { callProvider, ProviderCallError, providerErrorFromNetwork } from '@shelflink/resilience';
import type { CallContext } from '@shelflink/observability';
import { CallLogService } from '../call-log/call-log.service.js';
import { SyncConfig } from '../config/sync.config.js';
import { ConnectionDirectory } from './connection-directory.service.js';
import type { ProviderAccount } from './provider-catalog.service.js';
import { ProviderGuards } from './provider-guards.service.js';
import { SyncError } from './provider.errors.js';
import { answerOrThrow, isFinalAnswer, RefusedAnswer, requestHeaders, withDeadline } from './provider-answer.js';
import { NO_SLOT, type ReleaseSlot } from './provider-slots.js';
import { rateSignalsOf, refusalError } from './rate-limit.decision.js';

/** Takes a successful response; a streamed one keeps the account's concurrency slot until `release` (body read). */
type Take<T> = (response: ProviderHttpAnswer, release: ReleaseSlot) => Promise<T>;

/** One provider API request; a puller's are reads, safe to retry; the proxy's say whether they are. */
export interface ProviderRequest {
  method: ProxyMethod;
  /** Path (and query) after the account's API base. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (the proxy's non-JSON bodies), with the caller's content-type in `headers`. */
  rawBody?: Uint8Array;
  /** Headers of the caller (already allow-listed); the account's own and auth headers win. */
  headers?: Readonly<Record<string, string>>;
  /** False: retried only when the provider provably did not process it. Default true. */
  idempotent?: boolean;
  /** Lowers the retry deadline (the proxy caller's). */
  deadlineMs?: number;
  /** A non-2xx answer is returned, not thrown, once retries and the one renewal are spent (the proxy). */
  passthrough?: boolean;
  /** A consumer service name, `admin`, or `sync` (default): whose grants the token is fetched under, and who the call
   * log names. */
  caller?: string;
  /** The call log's correlation id; default the current one. */
  correlationId?: string;
  /** Recognises the provider's "cursor expired" answer so the puller can restart from its checkpoint. */
  isCursorExpired?: (status: number, text: string) => boolean;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A successful response whose body is still arriving: read it once, or cancel it. */
export interface ProviderStream {
  status: number;
  headers: Headers;
  body: AsyncIterable<Buffer>;
  cancel(): void;
}

/** Provider calls through the account's shared rate budget, its breaker and the retry policy. */
@Injectable()
export class ProviderHttpClient {
  constructor(
    private readonly guards: ProviderGuards,
    private readonly directory: ConnectionDirectory,
    private readonly config: SyncConfig,
    private readonly callLog: CallLogService,
  ) {}

  /** The whole response, read inside the retry (a body cut short is retried like any transient failure). */
  async send(account: ProviderAccount, request: ProviderRequest): Promise<ProviderResponse> {
    return this.call(account, request, async (response) => {
      const text = decodeBody(await readWhole(response));
      return { status: response.status, headers: response.headers, text };
    });
  }

  /**
   * Resolves once a successful status and the headers are in; the caller reads the body as it streams, so a page
   * is processed while it arrives. A body cut short fails the read, not this call: the caller retries the page.
   */
  async open(account: ProviderAccount, request: ProviderRequest): Promise<ProviderStream> {
    const deadline = AbortSignal.timeout(this.config.SYNC_PAGE_READ_TIMEOUT_MS);
    return this.call(
      account,
      request,
      async (response, release) => ({
        status: response.status,
        headers: response.headers,
        body: bodyChunks(response, release),
        cancel: () => {
          release();
          response.cancel();
        },
      }),
      deadline,
      true,
    );
  }

  /** The response handed to `take` inside the retry (the proxy reads bounded raw bytes). */
  exchange<T>(
    account: ProviderAccount,
    request: ProviderRequest,
    take: (response: ProviderHttpAnswer) => Promise<T>,
  ): Promise<T> {
    return this.call(account, request, take);
  }

  private async call<T>(
    account: ProviderAccount,
    request: ProviderRequest,
    take: Take<T>,
    deadline?: AbortSignal,
    streamed = false,
  ): Promise<T> {
    await this.guards.prepare(account);
    // A refusal carried to the caller (the proxy) was read whole: it holds no slot.
    const answer = (response: ProviderHttpAnswer): Promise<T> => take(response, NO_SLOT);
    try {
      return await this.callWithRetries(account, request, take, deadline, streamed);
    } catch (error) {
      if (!(error instanceof TokenRefusedError)) return answerOrThrow(error, answer);
      // A token refused before its expiry (revoked, or expired early at the provider): auth-service renews it where the
      // scheme can, and the call is tried once more with the new one.
      const { tenantId, id } = account.connection;
      if (!(await this.directory.renewRefused(tenantId, id, error.fingerprint, request.caller)))
        return answerOrThrow(error, answer);
      return this.callWithRetries(account, request, take, deadline, streamed).catch((again: unknown) =>
        answerOrThrow(again, answer),
      );
    }
  }

  private callWithRetries<T>(
    account: ProviderAccount,
    request: ProviderRequest,
    take: Take<T>,
    deadline?: AbortSignal,
    streamed = false,
  ): Promise<T> {
    const { limiter, breakers } = this.guards;
    const retry = withDeadline(this.guards.retry, request.deadlineMs);
    const idempotent = request.idempotent ?? true;
    const onAttempt = this.callLog.observer(
      callContext(account, request),
      request.method,
      account.baseUrl + request.path,
    );
    return callProvider({ key: account.key, limiter, breakers, retry, idempotent, onAttempt }, async (call) => {
      // Per attempt, so a retry's back-off holds no slot of the account's concurrency budget.
      const release = await this.guards.slot(account, call.signal);
      let handedOver = false;
      let response: ProviderHttpAnswer | undefined;
      try {
        const url = `${account.baseUrl}${request.path}`;
        const auth = await this.directory.authFor(account, request.method, url, request.caller);
        response = await sendProviderRequest(url, {
          method: request.method,
          headers: requestHeaders(account, request, auth.headers),
          body: request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body)),
          signal: deadline ? AbortSignal.any([call.signal, deadline]) : call.signal,
        }).catch((error: unknown) => {
          this.guards.countResponse(account.provider, 0);
          throw providerErrorFromNetwork(error);
        });
        call.answered(response.status);
        this.guards.countResponse(account.provider, response.status);
        call.report(rateSignalsOf(account.rateLimit, response, new Date()));
        if (response.ok || (request.passthrough && isFinalAnswer(response.status))) {
          const taken = await take(response, release);
          handedOver = streamed;
          return taken;
        }
        const bytes = await readWhole(response);
        return this.fail(account, request, response, bytes, auth.fingerprint);
      } finally {
        // A body nobody read (HEAD, a take that stopped early) is drained so the connection can be reused.
        if (!handedOver) {
          response?.discard();
          release();
        }
      }
    });
  }

  private fail(
    account: ProviderAccount,
    request: ProviderRequest,
    response: ProviderHttpAnswer,
    bytes: Buffer,
    fingerprint: string,
  ): never {
    const text = decodeBody(bytes);
    if (request.isCursorExpired?.(response.status, text)) {
      throw new SyncError('CURSOR_EXPIRED', `${account.provider} refused the page cursor`);
    }
    const answer = request.passthrough ? bufferedAnswer(response.status, response.headers, bytes) : undefined;
    if (response.status === 401) throw new TokenRefusedError(fingerprint, answer);
    const error = refusalError(account.rateLimit, response, text, new Date());
    throw answer ? new RefusedAnswer(error, answer) : error;
  }
}

/** A 401: the provider refused the token of this fingerprint (never the token itself: errors get logged). */
class TokenRefusedError extends ProviderCallError {
  constructor(
    readonly fingerprint: string,
    readonly answer?: ProviderHttpAnswer,
  ) {
    super({ code: 'UNAUTHENTICATED', status: 401, transient: false });
  }
}

function callContext(account: ProviderAccount, request: ProviderRequest): CallContext {
  const { tenantId, id } = account.connection;
  const { provider } = account;
  return {
    tenantId,
    connectionId: id,
    provider,
    caller: request.caller ?? 'sync',
    correlationId: request.correlationId,
  };
}

const utf8 = new TextDecoder();

// The concurrency slot is given back once the body is read, broken off or abandoned.
async function* bodyChunks(response: ProviderHttpAnswer, release: ReleaseSlot): AsyncGenerator<Buffer> {
  try {
    yield* response.body;
  } catch (error) {
    throw providerErrorFromNetwork(error);
  } finally {
    release();
  }
}

/** The whole body; a body cut short is a network failure (retried like any transient one). */
function readWhole(response: ProviderHttpAnswer): Promise<Buffer> {
  return response.bytes().catch((error: unknown) => {
    throw providerErrorFromNetwork(error);
  });
}

// What `response.text()` returns, but a pure-ASCII body (provider JSON nearly always) decodes as latin1: the same
// characters for a fraction of the cost of a UTF-8 decode of a megabyte page.
function decodeBody(body: Buffer): string {
  return isAscii(body) ? body.toString('latin1') : utf8.decode(body);
}
