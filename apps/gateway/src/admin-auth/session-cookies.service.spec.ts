import type { GatewayConfig } from '../config/gateway.config.js';
import { CSRF_HEADER, SESSION_COOKIE, SessionCookies } from './session-cookies.service.js';

const config = (key = Buffer.alloc(32, 7).toString('base64')) =>
  ({ GATEWAY_SESSION_KEY: key, GATEWAY_SESSION_TTL_SECONDS: 60 }) as GatewayConfig;
const request = (cookie?: string, headers: Record<string, string> = {}) => ({
  headers: { ...(cookie === undefined ? {} : { cookie }), ...headers },
  protocol: 'http',
});

describe('SessionCookies', () => {
  const sessions = new SessionCookies(config());
  const now = 1_800_000_000_000;
  const { value, session } = sessions.seal('slk_the-key', now);

  it('opens its own cookie until it expires, and never shows the key in the cookie', () => {
    expect(value).not.toContain('the-key');
    expect(sessions.open(request(`a=b; ${SESSION_COOKIE}=${value}`), now + 59_000)).toEqual(session);
    expect(sessions.open(request(`${SESSION_COOKIE}=${value}`), now + 60_000)).toBeUndefined();
  });

  it('refuses a tampered cookie, one sealed under another key, and none at all', () => {
    const flipped = `${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`;
    expect(sessions.open(request(`${SESSION_COOKIE}=${flipped}`), now)).toBeUndefined();
    const other = new SessionCookies(config(Buffer.alloc(32, 9).toString('base64')));
    expect(other.open(request(`${SESSION_COOKIE}=${value}`), now)).toBeUndefined();
    expect(sessions.open(request(), now)).toBeUndefined();
    expect(sessions.open(request(`${SESSION_COOKIE}=short`), now)).toBeUndefined();
  });

  it('checks the CSRF header against the session', () => {
    expect(() => sessions.checkCsrf(request(value, { [CSRF_HEADER]: session.csrfToken }), session)).not.toThrow();
    expect(() => sessions.checkCsrf(request(value, { [CSRF_HEADER]: 'x' }), session)).toThrow('CSRF');
    expect(() => sessions.checkCsrf(request(value), session)).toThrow('CSRF');
  });

  it('sets httpOnly, SameSite=Strict cookies, Secure over https', () => {
    expect(sessions.header(request(), value, 60)).toBe(
      `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60`,
    );
    expect(sessions.header({ headers: {}, protocol: 'https' }, '', 0)).toContain('; Secure');
  });
});
