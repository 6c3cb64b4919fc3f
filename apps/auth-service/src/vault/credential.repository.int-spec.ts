import { authDatabase } from '../database/auth.database.js';
import { serviceDataSourceOptions } from '@shelflink/database';
import { createTestDatabase, migrateAll, type TestDatabase } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { CredentialRepository } from './credential.repository.js';

const sealed = { keyId: 'k1', secrets: { accessToken: 'v1.k1.sealed' } };
const refreshed = { sealed, tokenType: 'bearer', accessExpiresAt: null, refreshExpiresAt: null };

// RELIABILITY.md T14: the lease is exclusive while live, taken over once stale, and a stale holder's late write is
// rejected by the version fence.
describe('CredentialRepository lease and fence (int)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: CredentialRepository;

  beforeAll(async () => {
    database = await createTestDatabase('int_auth_lease');
    migrateAll(database.url);
    dataSource = await new DataSource(serviceDataSourceOptions(authDatabase(database.url, 2))).initialize();
    repository = new CredentialRepository(dataSource);
    await dataSource.query(`INSERT INTO auth.tenants (id, name) VALUES ('t1', 't1')`);
    await dataSource.query(
      `INSERT INTO auth.connections (id, tenant_id, provider, alias, status, auth_mode) VALUES ('c1', 't1', 'square', 'a', 'active', 'oauth2')`,
    );
    await dataSource.query(
      `INSERT INTO auth.credentials (connection_id, tenant_id, version, key_id, secrets) VALUES ('c1', 't1', 1, 'k1', '{}')`,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('gives the lease to one holder at a time', async () => {
    expect(await repository.tryAcquireLease('c1', 'a', 60_000)).toBe(true);
    expect(await repository.tryAcquireLease('c1', 'b', 60_000)).toBe(false);
    await repository.releaseLease('c1', 'a');
    expect(await repository.tryAcquireLease('c1', 'b', 60_000)).toBe(true);
    await repository.releaseLease('c1', 'b');
  });

  it("rejects a stale holder's late write after another holder took the expired lease and wrote", async () => {
    expect(await repository.tryAcquireLease('c1', 'stale', 1_000)).toBe(true);
    // The stale holder is paused past its lease (as with SIGSTOP): make the lease expire without waiting.
    await dataSource.query(
      `UPDATE auth.credentials SET lease_until = now() - interval '1 second' WHERE connection_id = 'c1'`,
    );
    expect(await repository.tryAcquireLease('c1', 'fresh', 60_000)).toBe(true);
    expect(await repository.writeRefreshed('c1', 'fresh', 1, refreshed)).toBe(2);
    expect(await repository.writeRefreshed('c1', 'stale', 1, refreshed)).toBeUndefined();
    const rows = await dataSource.query<{ version: number; lease_owner: string | null }[]>(
      `SELECT version, lease_owner FROM auth.credentials WHERE connection_id = 'c1'`,
    );
    expect(rows[0]).toEqual({ version: 2, lease_owner: null });
    const connection = await dataSource.query<{ credential_version: number }[]>(
      `SELECT credential_version FROM auth.connections WHERE id = 'c1'`,
    );
    expect(connection[0]?.credential_version).toBe(2);
  });

  it('counts rows per key and rewraps only when the version is unchanged', async () => {
    expect(await repository.countByKey()).toEqual({ k1: 1 });
    expect(await repository.writeRewrapped('c1', 1, { keyId: 'k2', secrets: {} })).toBe(false);
    expect(await repository.writeRewrapped('c1', 2, { keyId: 'k2', secrets: {} })).toBe(true);
    expect(await repository.findNotUnderKey('k2', 10)).toEqual([]);
  });
});
