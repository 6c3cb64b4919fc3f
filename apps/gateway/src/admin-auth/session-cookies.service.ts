import { Injectable } from '@nestjs/common';
import { HttpApiError } from '@shelflink/observability';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayConfig } from '../config/gateway.config.js';

export const SESSION_COOKIE = 'shelflink_session';
export const CSRF_HEADER = 'x-csrf-token';

/** What a console session carries: the admin key (verified on every request, so revoking it ends the session). */
export interface OpenedSession {
  apiKey: string;
  expiresAt: Date;
  csrfToken: string;
}

interface CookieRequest {
  headers: { cookie?: string | undefined; [name: string]: string | string[] | undefined };
  protocol: string;
}

/**
 * Console sessions as sealed cookies (AES-256-GCM under the gateway's session key): the gateway stays stateless and the
 * key never reaches the browser's scripts. The CSRF token is an HMAC of the cookie, sent back in a header.
 */
@Injectable()
export class SessionCookies {
  private readonly key: Buffer;
  readonly ttlSeconds: number;

  constructor(config: GatewayConfig) {
    this.key = config.GATEWAY_SESSION_KEY ? Buffer.from(config.GATEWAY_SESSION_KEY, 'base64') : randomBytes(32);
    this.ttlSeconds = config.GATEWAY_SESSION_TTL_SECONDS;
  }

  /** A new session's cookie value and the CSRF token that goes with it. */
  seal(apiKey: string, now: number): { value: string; session: OpenedSession } {
    const expiresAt = now + this.ttlSeconds * 1000;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(SESSION_COOKIE));
    const body = Buffer.concat([cipher.update(JSON.stringify({ k: apiKey, e: expiresAt })), cipher.final()]);
    const value = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return { value, session: { apiKey, expiresAt: new Date(expiresAt), csrfToken: this.csrfFor(value) } };
  }

  /** The request's session, or undefined when it has no cookie, a forged or damaged one, or an expired one. */
  open(request: CookieRequest, now: number): OpenedSession | undefined {
    const value = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!value) return undefined;
    const raw = Buffer.from(value, 'base64url');
    if (raw.length < 29) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(SESSION_COOKIE));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const { k, e } = JSON.parse(plain) as { k: string; e: number };
      if (typeof k !== 'string' || typeof e !== 'number' || e <= now) return undefined;
      return { apiKey: k, expiresAt: new Date(e), csrfToken: this.csrfFor(value) };
    } catch {
      return undefined;
    }
  }

  /** Mutations with a session cookie must echo its CSRF token in a header a cross-site form cannot set. */
  checkCsrf(request: CookieRequest, session: OpenedSession): void {
    const sent = request.headers[CSRF_HEADER];
    const expected = Buffer.from(session.csrfToken);
    const given = Buffer.from(typeof sent === 'string' ? sent : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new HttpApiError(403, 'CSRF_FAILED', `Send the session's CSRF token in ${CSRF_HEADER}`);
  }

  /** Set-Cookie for a session (or, with value '', one that clears it); Secure whenever the request came over https. */
  header(request: CookieRequest, value: string, maxAgeSeconds: number): string {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
  }

  private csrfFor(cookieValue: string): string {
    return createHmac('sha256', this.key).update(`csrf|${cookieValue}`).digest('base64url');
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
