import { jest } from '@jest/globals';
import { eventually } from '@shelflink/testing';
import type { ConnectionFixture } from '../../test/auth.factories.js';
import type { AuthReplica } from '../../test/auth-services.harness.js';
import { tokenServicesUnderTest } from '../../test/token-services.context.js';

// RELIABILITY.md T12/T14 at service level: two replicas (two Nest contexts, one database) refreshing one connection.
// Leases are judged by Postgres's clock (now() in SQL); the refresh deadline by the injected Clock.
describe('TokenRefreshService lease and fence across replicas (int)', () => {
  const t = tokenServicesUnderTest('int_auth_refresh');
  let a: AuthReplica;
  let b: AuthReplica;

  beforeAll(async () => {
    a = t.harness.replica;
    b = await t.harness.startReplica();
  });

  const get = (replica: AuthReplica, c: ConnectionFixture) => replica.tokens.get(c.tenantId, c.connectionId, 'sync');
  const expiredConnection = async () => {
    const grant = t.endpoint.grant();
    return { grant, connection: await t.make.oauthConnection(grant, { expiresInMs: -1_000 }) };
  };

  /** The result of the replica's next attempt to take a refresh lease. */
  function nextLeaseAttempt(replica: AuthReplica): Promise<boolean> {
    const original = replica.credentials.tryAcquireLease.bind(replica.credentials);
    return new Promise((resolve) => {
      jest.spyOn(replica.credentials, 'tryAcquireLease').mockImplementationOnce(async (...args) => {
        const acquired = await original(...args);
        resolve(acquired);
        return acquired;
      });
    });
  }

  it('makes a second replica wait for the lease holder and serve what it stored: one provider call', async () => {
    const { grant, connection } = await expiredConnection();
    t.endpoint.hold();
    const onA = get(a, connection);
    const [held] = await t.endpoint.held(1);
    // A holds a lease of AUTH_REFRESH_LEASE_MS on Postgres's clock while its provider call is in flight.
    const leased = await t.harness.credentialRow(connection.connectionId);
    expect(leased.leaseOwner).toEqual(expect.any(String));
    expect(leased.leaseMsLeft).toBeGreaterThan(t.harness.config.AUTH_REFRESH_LEASE_MS - 5_000);
    expect(leased.leaseMsLeft).toBeLessThanOrEqual(t.harness.config.AUTH_REFRESH_LEASE_MS);

    const attempt = nextLeaseAttempt(b);
    const onB = get(b, connection);
    expect(await attempt).toBe(false);
    t.endpoint.release();

    const [fromA, fromB] = await Promise.all([onA, onB]);
    expect(fromA.accessToken).toBe(held?.accessToken);
    expect(fromB.accessToken).toBe(held?.accessToken);
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);
    expect(await t.harness.credentialRow(connection.connectionId)).toMatchObject({ version: 2, leaseOwner: null });
  });

  it("waits out a crashed holder's live lease until its deadline, then takes the lease over once it expired", async () => {
    const { grant, connection } = await expiredConnection();
    const lease = t.harness.config.AUTH_REFRESH_LEASE_MS;
    expect(await a.credentials.tryAcquireLease(connection.connectionId, 'crashed-replica', lease)).toBe(true);

    const blocked = nextLeaseAttempt(b);
    const waiting = get(b, connection);
    expect(await blocked).toBe(false);
    // The deadline is on the service's clock: moving it ends the wait without waiting.
    t.harness.clock.advance(t.harness.config.AUTH_REFRESH_DEADLINE_MS);
    await expect(waiting).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(0);

    await t.harness.expireLease(connection.connectionId);
    const takeover = nextLeaseAttempt(b);
    const served = get(b, connection);
    expect(await takeover).toBe(true);
    expect((await served).accessToken).not.toBe(grant.accessToken);
    expect(t.endpoint.refreshes(grant.refreshToken)).toBe(1);
    expect(await t.harness.credentialRow(connection.connectionId)).toMatchObject({ version: 2, leaseOwner: null });
  });

  it('discards the tokens of a refresh that finished after its lease passed to another replica, and audits it', async () => {
    const { connection } = await expiredConnection();
    const { tenantId, connectionId } = connection;
    t.endpoint.hold();
    const onA = get(a, connection);
    await t.endpoint.held(1);
    // A freezes past its lease: B takes the expired lease over and calls the provider too.
    await t.harness.expireLease(connectionId);
    const onB = get(b, connection);
    const [fromA, fromB] = await t.endpoint.held(2);
    if (!fromA || !fromB) throw new Error('two token requests were held');

    fromA.answer();
    await expect(onA).rejects.toMatchObject({ code: 'CONFLICT' });
    const fenced = await t.harness.credentialRow(connectionId);
    expect(fenced.version).toBe(1);
    expect(fenced.leaseOwner).toEqual(expect.any(String));
    await eventually(async () => (await t.harness.audited(connectionId, 'credential.refresh_fenced')).length > 0);
    expect(await t.harness.audited(connectionId, 'credential.refresh_fenced')).toEqual([{ expectedVersion: 1 }]);

    fromB.answer();
    expect((await onB).accessToken).toBe(fromB.accessToken);
    const stored = await t.harness.credentialRow(connectionId);
    expect(stored).toMatchObject({ version: 2, leaseOwner: null });
    expect(a.vault.openOne(tenantId, connectionId, 'accessToken', stored.secrets.accessToken ?? '')).toBe(
      fromB.accessToken,
    );
  });
});
