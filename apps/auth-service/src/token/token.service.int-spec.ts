import { jest } from '@jest/globals';
import { tokenFingerprint } from '@shelflink/crypto';
import { eventually } from '@shelflink/testing';
import type { ConnectionFixture } from '../../test/auth.factories.js';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../test/token-endpoint.server.js';
import { tokenServicesUnderTest } from '../../test/token-services.context.js';
import { AuditRepository, type AuditEntry } from '../audit/audit.repository.js';

// auth.token.get.v1 at service level: buffer, cache and refused-token renewal on the injected Clock, single flight
// within one replica, the provider's token endpoint over real HTTP.
describe('TokenService (int)', () => {
  const t = tokenServicesUnderTest('int_auth_token');

  const get = (c: ConnectionFixture, refused?: string) =>
    t.harness.replica.tokens.get(c.tenantId, c.connectionId, 'sync', refused);
  const snapshot = async (c: ConnectionFixture) => {
    const found = await t.harness.replica.connections.findSnapshot(c.connectionId, c.tenantId);
    if (!found) throw new Error(`connection ${c.connectionId} is gone`);
    return found;
  };

  it('serves the stored token with its headers, and refreshes it once it is inside the refresh buffer', async () => {
    const grant = t.endpoint.grant();
    const connection = await t.make.oauthConnection(grant, { expiresInMs: 3_600_000 });
    const expiresAt = new Date(t.harness.clock.now() + 3_600_000).toISOString();
    expect(await get(connection)).toEqual({
      accessToken: grant.accessToken,
      tokenType: 'bearer',
      expiresAt,
      headers: { Authorization: `Bearer ${grant.accessToken}` },
    });

    const bufferMs = t.harness.config.AUTH_REFRESH_BUFFER_SECONDS * 1_000;
    t.harness.clock.advance(3_600_000 - bufferMs - 1);
    expect((await get(connection)).accessToken).toBe(grant.accessToken);
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(0);

    t.harness.clock.advance(1);
    const renewed = await get(connection);
    expect(renewed.accessToken).not.toBe(grant.accessToken);
    expect(renewed.expiresAt).toBe(new Date(t.harness.clock.now() + ACCESS_TOKEN_TTL_SECONDS * 1_000).toISOString());
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);
  });

  it('answers from its cache until AUTH_TOKEN_CACHE_MS has passed on its clock', async () => {
    const connection = await t.make.oauthConnection(t.endpoint.grant());
    const served = await get(connection);
    await t.harness.replica.connections.setStatus(connection.connectionId, 'needs_reauth', 'revoked_at_provider');
    t.harness.clock.advance(t.harness.config.AUTH_TOKEN_CACHE_MS - 1);
    expect(await get(connection)).toEqual(served);
    t.harness.clock.advance(1);
    await expect(get(connection)).rejects.toMatchObject({ code: 'NEEDS_REAUTH' });
  });

  it('refreshes once for 20 concurrent callers of an expired token and serves them all the new token', async () => {
    const grant = t.endpoint.grant();
    const connection = await t.make.oauthConnection(grant, { expiresInMs: -1_000 });
    const reads = jest.spyOn(t.harness.replica.connections, 'findSnapshot');
    t.endpoint.hold();
    const replies = Array.from({ length: 20 }, () => get(connection));
    const [held] = await t.endpoint.held(1);
    // Every caller has read the expired credential before the provider answers (20 reads, and the holder's re-read).
    await eventually(() => reads.mock.calls.length >= 21);
    await Promise.all(reads.mock.results.map((result) => result.value));
    t.endpoint.release();

    const tokens = new Set((await Promise.all(replies)).map((reply) => reply.accessToken));
    expect(tokens).toEqual(new Set([held?.accessToken]));
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);
    await eventually(async () => (await t.harness.audited(connection.connectionId, 'credential.refreshed')).length > 0);
    expect(await t.harness.audited(connection.connectionId, 'credential.refreshed')).toEqual([{ version: 2 }]);
  });

  it('renews a refused current token once for all who report it, and not again within the renew interval', async () => {
    const grant = t.endpoint.grant();
    const connection = await t.make.oauthConnection(grant);
    const refused = (token: string) => get(connection, tokenFingerprint(token));

    // Some older token was refused: the current one comes back, nothing is refreshed.
    expect((await refused('an-older-token')).accessToken).toBe(grant.accessToken);
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(0);

    t.endpoint.hold();
    const replies = Array.from({ length: 10 }, () => refused(grant.accessToken));
    const [held] = await t.endpoint.held(1);
    t.endpoint.release();
    const renewed = new Set((await Promise.all(replies)).map((reply) => reply.accessToken));
    expect(renewed).toEqual(new Set([held?.accessToken]));
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);

    // The fresh token is refused too: the provider refuses the grant or the app, so no renewal churns the grant.
    const fresh = held?.accessToken ?? '';
    const refreshedAt = (await snapshot(connection)).connection.lastRefreshedAt?.getTime() ?? 0;
    const intervalMs = t.harness.config.AUTH_REFUSED_RENEW_INTERVAL_MS;
    t.harness.clock.set(refreshedAt + intervalMs - 1);
    expect((await refused(fresh)).accessToken).toBe(fresh);
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);

    // Once the interval has passed since that refresh (Postgres stamped it, the service clock measures it).
    t.harness.clock.set(refreshedAt + intervalMs);
    expect((await refused(fresh)).accessToken).not.toBe(fresh);
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(2);
    const audited = async () => t.harness.audited(connection.connectionId, 'credential.refused');
    await eventually(async () => (await audited()).length === 3);
    expect(await audited()).toEqual([
      { version: 1, renewable: true },
      { version: 2, renewable: false },
      { version: 2, renewable: true },
    ]);
  });

  it('answers a refused token that cannot be renewed (a pasted access token) with itself, connection still active', async () => {
    const connection = await t.make.staticConnection();
    expect((await get(connection, tokenFingerprint(connection.accessToken))).accessToken).toBe(connection.accessToken);
    expect((await snapshot(connection)).connection.status).toBe('active');
    await eventually(async () => (await t.harness.audited(connection.connectionId, 'credential.refused')).length > 0);
    expect(await t.harness.audited(connection.connectionId, 'credential.refused')).toEqual([
      { version: 1, renewable: false },
    ]);
  });

  it('marks the connection needs_reauth when the provider rejects the grant, and calls it no more', async () => {
    const grant = t.endpoint.grant();
    const connection = await t.make.oauthConnection(grant, { expiresInMs: -1_000 });
    t.endpoint.revoke(grant.refreshToken);
    await expect(get(connection)).rejects.toMatchObject({ code: 'NEEDS_REAUTH' });
    await expect(get(connection)).rejects.toMatchObject({ code: 'NEEDS_REAUTH' });
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);
    expect((await snapshot(connection)).connection.status).toBe('needs_reauth');
    expect(await t.harness.credentialRow(connection.connectionId)).toMatchObject({ version: 1, leaseOwner: null });
    expect(await t.harness.audited(connection.connectionId, 'credential.needs_reauth')).toEqual([
      { status: 400, reason: 'invalid_grant' },
    ]);
  });

  it("refuses a TBA connection's token and another tenant's connection with stable codes", async () => {
    const tba = await t.make.tbaConnection();
    await expect(get(tba)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const other = await t.make.oauthConnection(t.endpoint.grant(), { tenantId: await t.make.tenant() });
    await expect(get({ ...other, tenantId: tba.tenantId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('has written credential.served by the time it answers, so what the caller audits next comes after it', async () => {
    const connection = await t.make.oauthConnection(t.endpoint.grant());
    const audit = t.harness.replica.app.get(AuditRepository);
    const write = audit.record.bind(audit);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const record = jest.spyOn(audit, 'record').mockImplementation(async (entry: AuditEntry) => {
      await held;
      return write(entry);
    });
    let answered = false;
    const reply = get(connection).then(() => (answered = true));
    await eventually(() => record.mock.calls.length === 1);
    expect(answered).toBe(false);
    release();
    await reply;
    expect(await t.harness.audited(connection.connectionId, 'credential.served')).toEqual([{ version: 1 }]);
  });
});
