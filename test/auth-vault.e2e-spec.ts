import type { NatsConnection } from '@nats-io/transport-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { canaries, startAuthStack, type AuthStack, type Reply } from './auth-harness.js';

const run = promisify(execFile);

// RELIABILITY.md T15: AAD binding, tamper detection, and a key rotation killed with kill -9 half-way.
describe('auth-service vault (e2e)', () => {
  let stack: AuthStack;
  let sync: NatsConnection;
  const tokens = new Map<string, string>();
  const k2 = randomBytes(32).toString('base64');

  const getToken = async (connectionId: string) =>
    (
      await sync.request('auth.token.get.v1', JSON.stringify({ tenantId: stack.tenantId, connectionId }), {
        timeout: 10_000,
      })
    ).json<Reply>();
  const cli = (args: string[]) =>
    run(process.execPath, ['bin/shelflink.mjs', ...args], {
      env: { ...process.env, ...stack.nats.envFor('operator') },
    });
  const keyCounts = async (): Promise<Record<string, number | undefined>> =>
    Object.fromEntries(
      (
        await stack.sql.query<{ key_id: string; n: number }>(
          `SELECT key_id, count(*)::int AS n FROM auth.credentials GROUP BY key_id`,
        )
      ).rows.map((r) => [r.key_id, r.n]),
    );

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_auth_vault' });
    sync = await stack.nats.connectAs('sync-service');
    for (let i = 0; i < 120; i++) {
      const accessToken = `tok-${i}-${randomBytes(8).toString('hex')}`;
      const created = await stack.admin('POST', '/api/v1/connections', {
        provider: 'celigo',
        alias: `a${i}`,
        credentials: { type: 'access-token', accessToken },
      });
      tokens.set(created.body.id, accessToken);
    }
  });

  afterAll(async () => {
    await sync?.close();
    await stack?.close();
  });

  it('refuses to start without a master key, naming the variable', async () => {
    const env = Object.fromEntries(Object.entries(stack.authEnv).filter(([name]) => name !== 'SHELFLINK_MASTER_KEYS'));
    const broken = await startService('auth-service', env, { waitReady: false });
    expect(await broken.exited()).not.toBe(0);
    expect(broken.output()).toContain('SHELFLINK_MASTER_KEYS is not set');
    expect(broken.output()).not.toContain(canaries.masterKey);
  });

  it("fails to decrypt a ciphertext copied into another connection's row", async () => {
    const [a, b] = [...tokens.keys()];
    await stack.sql.query(
      `UPDATE auth.credentials SET secrets = (SELECT secrets FROM auth.credentials WHERE connection_id = $1) WHERE connection_id = $2`,
      [a, b],
    );
    const reply = await getToken(b as string);
    expect(reply.error.code).toBe('INTERNAL');
    expect(reply.error.message).toContain('DECRYPT_FAILED');
    expect(JSON.stringify(reply)).not.toContain(tokens.get(a as string));
    tokens.delete(b as string);
  });

  it.each(['iv', 'ciphertext', 'tag'])('fails to decrypt when one bit of the %s is flipped', async (part) => {
    const id = [...tokens.keys()][2 + ['iv', 'ciphertext', 'tag'].indexOf(part)] as string;
    const row = await stack.sql.query(
      `SELECT secrets->>'accessToken' AS sealed FROM auth.credentials WHERE connection_id = $1`,
      [id],
    );
    const fields = String(row.rows[0]?.sealed).split('.');
    const index = { iv: 2, ciphertext: 3, tag: 4 }[part] as number;
    const bytes = Buffer.from(fields[index] as string, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 0x01;
    fields[index] = bytes.toString('base64url');
    await stack.sql.query(
      `UPDATE auth.credentials SET secrets = jsonb_set(secrets, '{accessToken}', to_jsonb($2::text)) WHERE connection_id = $1`,
      [id, fields.join('.')],
    );
    const reply = await getToken(id);
    expect(reply.error.code).toBe('INTERNAL');
    tokens.delete(id);
  });

  it('resumes a rotation killed with kill -9 half-way and leaves every row readable under the new key only', async () => {
    await Promise.all(stack.auths.map((service) => service.stop()));
    // The rows tampered with above can never open again (rotation leaves them for an operator); remove them first.
    await stack.sql.query(`DELETE FROM auth.credentials WHERE NOT (connection_id = ANY($1))`, [[...tokens.keys()]]);
    const rotatingEnv = {
      SHELFLINK_MASTER_KEYS: `k1:${canaries.masterKey},k2:${k2}`,
      SHELFLINK_ACTIVE_KEY_ID: 'k2',
      AUTH_ROTATION_BATCH_SIZE: '5',
      AUTH_ROTATION_BATCH_DELAY_MS: '100',
    };
    const first: ServiceProcess = await stack.startAuth(rotatingEnv);
    await eventually(async () => ((await keyCounts()).k2 ?? 0) >= 20, 20_000, 20);
    await first.kill();
    const halfway = await keyCounts();
    expect(halfway.k1).toBeGreaterThan(0);
    expect(halfway.k2).toBeGreaterThan(0);

    await stack.startAuth({ ...rotatingEnv, AUTH_ROTATION_BATCH_DELAY_MS: '0' });
    await eventually(async () => (await keyCounts()).k1 === undefined, 30_000);
    const status = JSON.parse((await cli(['keys', 'status'])).stdout) as Reply;
    expect(status).toMatchObject({ activeKeyId: 'k2', rowsByKey: { k2: tokens.size } });

    // Retire k1: only rows under k2 remain, and every one of them still opens.
    await Promise.all(stack.auths.map((service) => service.stop()));
    await stack.startAuth({ ...rotatingEnv, SHELFLINK_RETIRED_KEY_IDS: 'k1' });
    for (const [id, accessToken] of tokens) expect((await getToken(id)).accessToken).toBe(accessToken);
  });

  it('lists connections and clears the cache through the operator CLI', async () => {
    const listed = JSON.parse((await cli(['connections', 'list', '--tenant', stack.tenantId])).stdout) as Reply;
    expect(listed.connections).toHaveLength(120);
    expect(JSON.stringify(listed)).not.toMatch(/tok-\d+-/);
    // One auth-service replica runs now, and no sync-service: every replica answers the broadcast.
    expect(JSON.parse((await cli(['cache', 'clear'])).stdout)).toMatchObject({
      cleared: { 'auth-service': 1, 'sync-service': 0 },
    });
    const created = JSON.parse((await cli(['tenant', 'create', 'cli_tenant'])).stdout) as Reply;
    expect(created.apiKey).toMatch(/^slk_/);
    expect((await stack.admin('GET', '/api/v1/connections', undefined, created.apiKey)).body).toEqual({
      connections: [],
    });
  });
});
