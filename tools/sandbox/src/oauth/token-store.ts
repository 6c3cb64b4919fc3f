import { randomToken } from '../util/ids.js';
import { isValidVerifier, s256Challenge, safeEqual } from './pkce.js';

/** How a family's refresh tokens behave. */
export interface RefreshPolicy {
  /** true: every use returns a new refresh token and spends the old one (reuse revokes the family). */
  readonly rotate: boolean;
  /** Lifetime of each refresh token; null = never expires. */
  readonly ttlMs: number | null;
}

export interface TokenPrefixes {
  readonly access: string;
  readonly refresh: string;
}

export interface IssueRequest {
  readonly provider: string;
  readonly account: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly accessTtlMs: number | null;
  readonly refresh: RefreshPolicy | null;
  readonly prefixes: TokenPrefixes;
  /** Free-form facts echoed in token responses (e.g. Square `short_lived`). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface Family extends IssueRequest {
  readonly id: number;
  revoked: boolean;
}

export interface IssuedTokens {
  readonly family: Family;
  readonly accessToken: string;
  readonly accessExpiresAt: number | null;
  readonly refreshToken: string | null;
  readonly refreshExpiresAt: number | null;
}

export interface CodeGrant {
  readonly provider: string;
  readonly account: string;
  readonly clientId: string;
  readonly redirectUri: string | null;
  readonly scopes: readonly string[];
  readonly codeChallenge: string | null;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type CodeFailure = 'invalid' | 'expired' | 'used' | 'client' | 'redirect' | 'pkce';
export type RefreshFailure = 'unknown' | 'expired' | 'revoked' | 'reused' | 'client';
export type AuthFailure = 'unknown' | 'expired' | 'revoked';

interface CodeRecord extends CodeGrant {
  readonly expiresAt: number;
  used: boolean;
  familyId: number | null;
}

interface TokenRecord {
  readonly familyId: number;
  expiresAt: number | null;
  spent: boolean;
}

const CODE_TTL_MS = 5 * 60_000;

/**
 * Authorization codes, access tokens and refresh-token families for every simulated provider.
 * A family is everything issued from one authorization; revoking it kills all its tokens (RFC 9700 §4.14).
 */
export class TokenStore {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly access = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, TokenRecord>();
  private readonly families = new Map<number, Family>();
  private nextFamily = 0;

  constructor(private readonly now: () => number) {}

  /** A single-use code valid for 5 minutes, bound to client, redirect URI and PKCE challenge. */
  issueCode(grant: CodeGrant): string {
    const code = randomToken('code_', 18);
    this.codes.set(code, { ...grant, expiresAt: this.now() + CODE_TTL_MS, used: false, familyId: null });
    return code;
  }

  redeemCode(
    code: string,
    check: { clientId: string; redirectUri?: string; verifier?: string },
  ): { ok: true; grant: CodeGrant; link: (family: Family) => void } | { ok: false; reason: CodeFailure } {
    const record = this.codes.get(code);
    if (!record) return { ok: false, reason: 'invalid' };
    if (record.used) {
      // A replayed code revokes what it produced (RFC 6749 §4.1.2).
      if (record.familyId !== null) this.revokeFamily(record.familyId);
      return { ok: false, reason: 'used' };
    }
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (record.clientId !== check.clientId) return { ok: false, reason: 'client' };
    if (record.redirectUri !== null && record.redirectUri !== check.redirectUri)
      return { ok: false, reason: 'redirect' };
    if (record.codeChallenge !== null && !this.verifierMatches(record.codeChallenge, check.verifier)) {
      return { ok: false, reason: 'pkce' };
    }
    record.used = true;
    return { ok: true, grant: record, link: (family) => (record.familyId = family.id) };
  }

  /** Starts a new family with a fresh access (and maybe refresh) token. */
  issue(request: IssueRequest): IssuedTokens {
    const family: Family = { ...request, id: ++this.nextFamily, revoked: false };
    this.families.set(family.id, family);
    return this.mint(family, true);
  }

  /** Uses a refresh token: rotates it when the family's policy says so; reusing a spent one revokes the family. */
  refresh(token: string, clientId: string): { ok: true; tokens: IssuedTokens } | { ok: false; reason: RefreshFailure } {
    const record = this.refreshTokens.get(token);
    const family = record ? this.families.get(record.familyId) : undefined;
    if (!record || !family) return { ok: false, reason: 'unknown' };
    if (family.clientId !== clientId) return { ok: false, reason: 'client' };
    if (family.revoked) return { ok: false, reason: 'revoked' };
    if (record.spent) {
      this.revokeFamily(family.id);
      return { ok: false, reason: 'reused' };
    }
    if (record.expiresAt !== null && record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (family.refresh?.rotate) record.spent = true;
    const tokens = this.mint(family, family.refresh?.rotate ?? false);
    return {
      ok: true,
      tokens: tokens.refreshToken ? tokens : { ...tokens, refreshToken: token, refreshExpiresAt: record.expiresAt },
    };
  }

  /** Checks an access token presented to an API. */
  authenticate(
    provider: string,
    token: string,
  ): { ok: true; family: Family } | { ok: false; reason: AuthFailure; family?: Family } {
    const record = this.access.get(token);
    const family = record ? this.families.get(record.familyId) : undefined;
    if (!record || !family || family.provider !== provider) return { ok: false, reason: 'unknown' };
    if (family.revoked || record.spent) return { ok: false, reason: 'revoked', family };
    if (record.expiresAt !== null && record.expiresAt <= this.now()) return { ok: false, reason: 'expired', family };
    return { ok: true, family };
  }

  /** The family behind an access token whatever its state (to name the account in the ledger and faults). */
  peek(token: string): Family | undefined {
    const record = this.access.get(token);
    return record ? this.families.get(record.familyId) : undefined;
  }

  accessExpiry(token: string): number | null {
    return this.access.get(token)?.expiresAt ?? null;
  }

  /** Makes every live access token of the account expire now. */
  expireAccess(provider: string, account: string): number {
    let count = 0;
    const now = this.now();
    for (const record of this.access.values()) {
      const family = this.families.get(record.familyId);
      if (family?.provider === provider && family.account === account && !record.spent) {
        record.expiresAt = now;
        count += 1;
      }
    }
    return count;
  }

  /** Revokes every family of the account (the user disconnected the app). */
  revokeAccount(provider: string, account: string, clientId?: string): number {
    let count = 0;
    for (const family of this.families.values()) {
      const sameClient = clientId === undefined || family.clientId === clientId;
      if (family.provider === provider && family.account === account && sameClient && !family.revoked) {
        family.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** The apps the account has authorized and not revoked, each with the scopes granted (a provider's "installs"). */
  grantsOf(provider: string, account: string): Map<string, Set<string>> {
    const grants = new Map<string, Set<string>>();
    for (const family of this.families.values()) {
      if (family.provider !== provider || family.account !== account || family.revoked) continue;
      const scopes = grants.get(family.clientId) ?? new Set<string>();
      for (const scope of family.scopes) scopes.add(scope);
      grants.set(family.clientId, scopes);
    }
    return grants;
  }

  /** Revokes one access token only, leaving the family's refresh token usable. */
  revokeAccessToken(token: string): boolean {
    const record = this.access.get(token);
    if (!record) return false;
    record.spent = true;
    return true;
  }

  revokeFamily(id: number): void {
    const family = this.families.get(id);
    if (family) family.revoked = true;
  }

  familyOfRefresh(token: string): Family | undefined {
    const record = this.refreshTokens.get(token);
    return record ? this.families.get(record.familyId) : undefined;
  }

  private mint(family: Family, withRefresh: boolean): IssuedTokens {
    const now = this.now();
    const accessToken = randomToken(family.prefixes.access);
    const accessExpiresAt = family.accessTtlMs === null ? null : now + family.accessTtlMs;
    this.access.set(accessToken, { familyId: family.id, expiresAt: accessExpiresAt, spent: false });
    if (!withRefresh || !family.refresh) {
      return { family, accessToken, accessExpiresAt, refreshToken: null, refreshExpiresAt: null };
    }
    const refreshToken = randomToken(family.prefixes.refresh);
    const refreshExpiresAt = family.refresh.ttlMs === null ? null : now + family.refresh.ttlMs;
    this.refreshTokens.set(refreshToken, { familyId: family.id, expiresAt: refreshExpiresAt, spent: false });
    return { family, accessToken, accessExpiresAt, refreshToken, refreshExpiresAt };
  }

  private verifierMatches(challenge: string, verifier: string | undefined): boolean {
    return verifier !== undefined && isValidVerifier(verifier) && safeEqual(s256Challenge(verifier), challenge);
  }
}
