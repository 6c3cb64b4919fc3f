import { tokenServicesUnderTest } from '../../test/token-services.context.js';
import { CallLogService } from './call-log.service.js';

interface StoredRow {
  tenant_id: string | null;
  connection_id: string | null;
  provider: string;
  caller: string;
  method: string;
  path: string;
  status: number;
  attempt: number;
  breaker_state: string;
}

// auth-service's side of the outbound call log: token endpoint calls become rows of auth.provider_calls.
describe('auth-service call log (int)', () => {
  const t = tokenServicesUnderTest('int_auth_calls');
  let calls: CallLogService;

  beforeAll(() => {
    calls = t.harness.replica.app.get(CallLogService);
  });

  const rowsOf = async (connectionId: string): Promise<StoredRow[]> => {
    await calls.store.flush();
    return t.harness.replica.dataSource.query<StoredRow[]>(
      `SELECT * FROM auth.provider_calls WHERE connection_id = $1 ORDER BY at`,
      [connectionId],
    );
  };

  it('records a refresh at the token endpoint under its tenant and connection, without a secret', async () => {
    const grant = t.endpoint.grant();
    const connection = await t.make.oauthConnection(grant, { expiresInMs: -1_000 });
    const token = await t.harness.replica.tokens.get(connection.tenantId, connection.connectionId, 'sync');
    const rows = await rowsOf(connection.connectionId);
    expect(rows).toEqual([
      expect.objectContaining({
        tenant_id: connection.tenantId,
        provider: 'sandbox-oauth',
        caller: 'auth-service',
        method: 'POST',
        path: '/oauth2/token',
        status: 200,
        attempt: 1,
        breaker_state: 'none',
      }),
    ]);
    const text = JSON.stringify(rows);
    for (const secret of [grant.refreshToken, grant.accessToken, token.accessToken]) expect(text).not.toContain(secret);
  });

  it('records a refused refresh with the provider’s status, and lists it for its tenant only', async () => {
    const grant = t.endpoint.grant();
    const connection = await t.make.oauthConnection(grant, { expiresInMs: -1_000 });
    t.endpoint.revoke(grant.refreshToken);
    await expect(
      t.harness.replica.tokens.get(connection.tenantId, connection.connectionId, 'sync'),
    ).rejects.toMatchObject({ code: 'NEEDS_REAUTH' });
    expect((await rowsOf(connection.connectionId)).map((row) => row.status)).toEqual([400]);
    const listed = await calls.list({ tenantId: connection.tenantId, status: '4xx', limit: 10 });
    expect(listed.map((call) => [call.connectionId, call.status, call.path])).toEqual([
      [connection.connectionId, 400, '/oauth2/token'],
    ]);
    await expect(calls.list({ tenantId: 'another-tenant', limit: 10 })).resolves.toEqual([]);
  });
});
