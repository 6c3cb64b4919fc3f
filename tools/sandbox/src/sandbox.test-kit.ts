import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type RunningSandbox, type SandboxOptions } from './sandbox.js';

/** Helpers shared by the sandbox's own tests (not part of the sandbox). */
export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export async function call<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

export function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  return call<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export async function admin<T = Record<string, unknown>>(
  base: string,
  path: string,
  body?: unknown,
  method = 'POST',
): Promise<JsonResponse<T>> {
  if (body === undefined) return call<T>(`${base}/_admin${path}`, { method });
  return postJson<T>(`${base}/_admin${path}`, body);
}

/** Follows an authorize URL one hop and returns the redirect target's query. */
export async function authorizeRedirect(url: string): Promise<{ status: number; location: URL | null; raw: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location) : null, raw: location ?? '' };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 5, 1)): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

/** One request a test receiver got. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly path: string;
}

/** A webhook receiver that answers with scripted statuses (the last one repeats) and records what it got. */
export async function startReceiver(
  statuses: number[] = [200],
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
      res.statusCode = statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got, server };
}

/** Waits until the condition holds, polling; fails with `what` after the deadline. */
export async function waitFor(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A sandbox on a manual clock for one describe block: started before all its tests, closed after. */
export function useSandbox(config: SandboxOptions['config'], options: Omit<SandboxOptions, 'config' | 'clock'> = {}) {
  const clock = manualClock();
  let running: RunningSandbox | undefined;
  beforeAll(async () => {
    running = await startSandbox({ ...options, clock: clock.now, config });
  });
  afterAll(async () => running?.close());
  const sandbox = (): RunningSandbox => {
    if (!running) throw new Error('sandbox not started');
    return running;
  };
  return { clock, sandbox };
}

/** NetSuite TBA credentials for {@link tbaHeader}. */
export interface TbaCredentials {
  readonly realm: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly tokenId: string;
  readonly tokenSecret: string;
}

// Independent RFC 5849 signer for the tests (HMAC-SHA256, realm not signed, query params signed).
const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An `Authorization: OAuth …` header for a NetSuite TBA request. */
export function tbaHeader(creds: TbaCredentials, method: string, url: string, nowS: number): string {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: creds.consumerKey,
    oauth_token: creds.tokenId,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(nowS),
    oauth_nonce: randomBytes(12).toString('hex'),
    oauth_version: '1.0',
  };
  const pairs = [...Object.entries(oauth), ...u.searchParams.entries()].map(([k, v]) => `${enc(k)}=${enc(v)}`).sort();
  const base = `${method}&${enc(`${u.protocol}//${u.host}${u.pathname}`)}&${enc(pairs.join('&'))}`;
  const signature = createHmac('sha256', `${enc(creds.consumerSecret)}&${enc(creds.tokenSecret)}`)
    .update(base)
    .digest('base64');
  const fields = Object.entries({ ...oauth, oauth_signature: signature }).map(([k, v]) => `${k}="${enc(v)}"`);
  return `OAuth realm="${creds.realm}", ${fields.join(', ')}`;
}
