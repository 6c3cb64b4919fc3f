import { createHash, randomBytes } from 'node:crypto';

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
