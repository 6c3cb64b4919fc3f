import { Injectable } from '@nestjs/common';
import { parseRetryAfter } from '@shelflink/providers';
import { ProviderCallError } from '@shelflink/resilience';
import { CallLogService } from '../call-log/call-log.service.js';
import { AuthConfig } from '../config/auth.config.js';

/** A provider's answer: status and parsed JSON (or undefined); never logged, it may hold tokens. */
export interface ProviderResponse {
  status: number;
  body: unknown;
}

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
}

/**
 * Talks to providers' token, revoke and test endpoints with a timeout. Network failures become ProviderCallError
 * with a code only, so neither URLs with secrets nor headers reach an error message or a log.
 */
@Injectable()
export class ProviderHttpClient {
  constructor(
    private readonly config: AuthConfig,
    private readonly callLog: CallLogService,
  ) {}

  async send(request: ProviderRequest): Promise<ProviderResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    let response: Response;
    const started = performance.now();
    const sent = (status: number): void =>
      this.callLog.sent({ method: request.method, url: request.url, status, durationMs: performance.now() - started });
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.config.AUTH_PROVIDER_TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (error) {
      sent(0);
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ProviderCallError({ code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', transient: true });
    }
    const text = await response.text().catch(() => '');
    sent(response.status);
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, ...retryAfter(response) };
  }
}

/** Throws a retryable ProviderCallError for 5xx/429 (with Retry-After), returns the response otherwise. */
export function throwIfTransient(response: ProviderResponse & { retryAfterMs?: number }): ProviderResponse {
  if (response.status === 429 || response.status >= 500) {
    throw new ProviderCallError({
      code: `HTTP_${response.status}`,
      status: response.status,
      transient: true,
      ...(response.retryAfterMs !== undefined ? { retryAfterMs: response.retryAfterMs } : {}),
    });
  }
  return response;
}

function retryAfter(response: Response): { retryAfterMs?: number } {
  const header = response.headers.get('retry-after');
  if (header === null) return {};
  const ms = parseRetryAfter(header, new Date());
  return ms === undefined ? {} : { retryAfterMs: ms };
}
