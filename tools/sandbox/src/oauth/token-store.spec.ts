import { s256Challenge } from './pkce.js';
import { TokenStore, type IssueRequest } from './token-store.js';

const base: IssueRequest = {
  provider: 'p',
  account: 'acct',
  clientId: 'c',
  scopes: ['a'],
  accessTtlMs: 1000,
  refresh: { rotate: true, ttlMs: 10_000 },
  prefixes: { access: 'at_', refresh: 'rt_' },
};

describe('TokenStore', () => {
  let now = 0;
  const store = (): TokenStore => new TokenStore(() => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('rotating refresh: each use spends the token; reuse revokes the whole family', () => {
    const s = store();
    const first = s.issue(base);
    const second = s.refresh(first.refreshToken ?? '', 'c');
    if (!second.ok) throw new Error('refresh failed');
    expect(second.tokens.refreshToken).not.toBe(first.refreshToken);
    expect(s.refresh(first.refreshToken ?? '', 'c')).toEqual({ ok: false, reason: 'reused' });
    expect(s.refresh(second.tokens.refreshToken ?? '', 'c')).toEqual({ ok: false, reason: 'revoked' });
    expect(s.authenticate('p', second.tokens.accessToken)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('non-rotating refresh returns the same token and never expires; access tokens expire on the clock', () => {
    const s = store();
    const first = s.issue({ ...base, refresh: { rotate: false, ttlMs: null } });
    now += 5_000;
    expect(s.authenticate('p', first.accessToken)).toMatchObject({ ok: false, reason: 'expired' });
    const again = s.refresh(first.refreshToken ?? '', 'c');
    expect(again.ok && again.tokens.refreshToken).toBe(first.refreshToken);
    expect(s.refresh(first.refreshToken ?? '', 'other')).toEqual({ ok: false, reason: 'client' });
  });

  it('codes are single-use, expire after 5 minutes and check the PKCE verifier', () => {
    const s = store();
    const verifier = 'v'.repeat(43);
    const grant = {
      provider: 'p',
      account: 'a',
      clientId: 'c',
      redirectUri: 'https://x/cb',
      scopes: [],
      codeChallenge: s256Challenge(verifier),
    };
    const code = s.issueCode(grant);
    expect(s.redeemCode(code, { clientId: 'c', redirectUri: 'https://x/cb', verifier: 'w'.repeat(43) })).toEqual({
      ok: false,
      reason: 'pkce',
    });
    expect(s.redeemCode(code, { clientId: 'c', redirectUri: 'https://y/cb', verifier })).toEqual({
      ok: false,
      reason: 'redirect',
    });
    expect(s.redeemCode(code, { clientId: 'c', redirectUri: 'https://x/cb', verifier }).ok).toBe(true);
    expect(s.redeemCode(code, { clientId: 'c', redirectUri: 'https://x/cb', verifier })).toEqual({
      ok: false,
      reason: 'used',
    });
    const late = s.issueCode(grant);
    now += 5 * 60_000;
    expect(s.redeemCode(late, { clientId: 'c', redirectUri: 'https://x/cb', verifier })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('expireAccess and revokeAccount act on one account only', () => {
    const s = store();
    const mine = s.issue(base);
    const other = s.issue({ ...base, account: 'other' });
    expect(s.expireAccess('p', 'acct')).toBe(1);
    expect(s.authenticate('p', mine.accessToken)).toMatchObject({ reason: 'expired' });
    expect(s.authenticate('p', other.accessToken).ok).toBe(true);
    expect(s.revokeAccount('p', 'other')).toBe(1);
    expect(s.authenticate('p', other.accessToken)).toMatchObject({ reason: 'revoked' });
    expect(s.authenticate('q', mine.accessToken)).toMatchObject({ reason: 'unknown' });
  });
});
