import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { bearerOf, noteAuth, type SandboxState } from '../sandbox-context.js';
import { canonicalAccount } from './netsuite-errors.js';
import { hmacSha256Signature, parseOAuthHeader, signatureBaseString, signedOAuthParams } from './oauth1.js';

const SKEW_S = 300;

// The signed URL may be the sandbox URL the client called or the real NetSuite host it stands for; accept either.
function candidateBaseUrls(request: FastifyRequest, accountId: string): string[] {
  const path = request.url.split('?')[0] ?? '';
  const host = String(request.headers.host ?? '').toLowerCase();
  const real = `https://${accountId.toLowerCase().replaceAll('_', '-')}.suitetalk.api.netsuite.com${path.replace(/^\/netsuite\/[^/]+/, '')}`;
  return [`${request.protocol}://${host}${path}`, real];
}

/** Verifies TBA (OAuth 1.0a, HMAC-SHA256 only) and OAuth 2.0 bearer requests for one account. */
export class NetSuiteAuth {
  private readonly nonces = new Map<string, number>();

  constructor(private readonly state: SandboxState) {}

  verify(request: FastifyRequest, accountId: string): boolean {
    const bearer = bearerOf(request);
    if (bearer) {
      noteAuth(request, 'bearer', bearer);
      const auth = this.state.tokens.authenticate('netsuite', bearer);
      return auth.ok && canonicalAccount(auth.family.account) === accountId;
    }
    return this.verifyTba(request, accountId);
  }

  private verifyTba(request: FastifyRequest, accountId: string): boolean {
    const header = parseOAuthHeader(request.headers.authorization);
    noteAuth(request, 'oauth1', header?.get('oauth_token'));
    if (!header) return false;
    const consumerKey = header.get('oauth_consumer_key') ?? '';
    const tokenId = header.get('oauth_token') ?? '';
    const timestamp = Number(header.get('oauth_timestamp'));
    const nonce = header.get('oauth_nonce') ?? '';
    const realm = canonicalAccount(header.get('realm') ?? '');
    if (realm !== accountId || header.get('oauth_signature_method') !== 'HMAC-SHA256') return false;
    if (header.get('oauth_version') !== '1.0' || !/^[A-Za-z0-9]{6,64}$/.test(nonce)) return false;
    const nowS = this.state.now() / 1000;
    if (!Number.isFinite(timestamp) || Math.abs(nowS - timestamp) > SKEW_S) return false;
    const app = this.state.registry.app('netsuite', consumerKey);
    const token = this.state.registry
      .account('netsuite', accountId)
      ?.config.tbaTokens?.find((t) => t.tokenId === tokenId);
    if (!app || !token) return false;
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const params = [...signedOAuthParams(header), ...query.entries()];
    const given = Buffer.from(header.get('oauth_signature') ?? '', 'base64');
    const ok = candidateBaseUrls(request, accountId).some((url) => {
      const expected = Buffer.from(
        hmacSha256Signature(signatureBaseString(request.method, url, params), app.clientSecret, token.tokenSecret),
        'base64',
      );
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    const nonceKey = `${consumerKey}:${tokenId}:${nonce}:${timestamp}`;
    if (!ok || this.nonces.has(nonceKey)) return false;
    for (const [key, at] of this.nonces) if (at < nowS - 2 * SKEW_S) this.nonces.delete(key);
    this.nonces.set(nonceKey, timestamp);
    return true;
  }
}
