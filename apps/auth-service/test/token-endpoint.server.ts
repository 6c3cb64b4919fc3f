// Test support: a provider's OAuth token endpoint over real HTTP (refresh_token grant only), whose answers a test can
// hold back, to put a refresh "in flight" for exactly as long as the test needs.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the `sandbox-oauth` provider of providers.sandbox.json sends its token requests, and its app credentials. */
const TOKEN_PATH = '/oauth2/token';
const CLIENT_BASIC = `Basic ${Buffer.from('sandbox-oauth-client:sandbox-oauth-secret').toString('base64')}`;
export const ACCESS_TOKEN_TTL_SECONDS = 3_600;

/** A token request received while answers are held; `accessToken` is what it will be given. */
export interface HeldRequest {
  readonly refreshToken: string;
  readonly accessToken: string;
  answer(): void;
}

export interface TokenEndpoint {
  /** Base URL: the `{sandbox}` of providers.sandbox.json. */
  readonly url: string;
  /** A grant as the provider issued it at connect time; its refresh token stays valid (no rotation). */
  grant(): { accessToken: string; refreshToken: string };
  /** The provider revokes the grant: its refresh token gets invalid_grant from now on. */
  revoke(refreshToken: string): void;
  /** Refresh requests received for this grant, held ones included. */
  refreshes(refreshToken: string): number;
  /** Holds every answer from now on until `release`; keep holds short of AUTH_PROVIDER_TIMEOUT_MS (the client retries). */
  hold(): void;
  /** Resolves once `count` requests arrived since `hold`, in arrival order; each is answered on its own or by `release`. */
  held(count: number): Promise<HeldRequest[]>;
  /** Stops holding and answers every held request. */
  release(): void;
  close(): Promise<void>;
}

export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const calls = new Map<string, number>();
  const revoked = new Set<string>();
  // Requests held since the last hold(), answered or not, in arrival order.
  let arrived: HeldRequest[] = [];
  const onHeld = new Set<() => void>();
  let holding = false;
  const mint = (kind: string) => `${kind}_${randomBytes(12).toString('base64url')}`;

  const handle = (request: IncomingMessage, body: string, response: ServerResponse) => {
    const send = (status: number, json: object) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(json));
    };
    const form = new URLSearchParams(body);
    if (request.method !== 'POST' || request.url !== TOKEN_PATH) return send(404, { error: 'not_found' });
    if (request.headers.authorization !== CLIENT_BASIC) return send(401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'refresh_token') return send(400, { error: 'unsupported_grant_type' });
    const refreshToken = form.get('refresh_token') ?? '';
    const count = calls.get(refreshToken);
    if (count === undefined) return send(400, { error: 'invalid_grant' });
    calls.set(refreshToken, count + 1);
    if (revoked.has(refreshToken)) return send(400, { error: 'invalid_grant' });
    const accessToken = mint('at');
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      send(200, { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS });
    };
    if (!holding) return answer();
    arrived.push({ refreshToken, accessToken, answer });
    for (const notify of onHeld) notify();
  };

  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handle(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    grant() {
      const issued = { accessToken: mint('at'), refreshToken: mint('rt') };
      calls.set(issued.refreshToken, 0);
      return issued;
    },
    revoke: (refreshToken) => void revoked.add(refreshToken),
    refreshes: (refreshToken) => calls.get(refreshToken) ?? 0,
    hold() {
      holding = true;
      arrived = [];
    },
    held(count) {
      return new Promise((resolve) => {
        const check = () => {
          if (arrived.length < count) return;
          onHeld.delete(check);
          resolve(arrived.slice(0, count));
        };
        onHeld.add(check);
        check();
      });
    },
    release() {
      holding = false;
      for (const request of arrived) request.answer();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
