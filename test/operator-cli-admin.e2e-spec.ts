import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAuthStack, type AuthStack } from './auth-harness.js';
import { cliError, operatorCli, type CliResult } from './operator-cli.js';

// The operator CLI's auth-service commands the other suites do not run (API keys, connection test, key rotation),
// its help through the real binary, and the launcher without a build.
describe('operator CLI: tenants, connections and keys (e2e)', () => {
  let stack: AuthStack;
  const cli = (args: string[]): Promise<CliResult> => operatorCli(stack.nats)(args);
  const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_cli_admin' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('creates another admin API key that the gateway accepts, and refuses one for an unknown tenant', async () => {
    const created = await cli(['apikey', 'create', stack.tenantId, '--name', 'ci']);
    expect(created.code).toBe(0);
    const key = json<{ tenantId: string; keyId: string; apiKey: string }>(created);
    expect(key).toEqual({
      tenantId: stack.tenantId,
      keyId: expect.any(String),
      apiKey: expect.stringMatching(/^slk_/),
    });
    expect((await stack.admin('GET', '/api/v1/connections', undefined, key.apiKey)).status).toBe(200);

    const unknown = await cli(['apikey', 'create', 'tenant_nobody']);
    expect({ code: unknown.code, error: cliError(unknown).code }).toEqual({ code: 1, error: 'NOT_FOUND' });
  });

  it("tests a connection with the provider and keeps other tenants' connections out of reach", async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'cli-test',
      credentials: { type: 'access-token', accessToken: 'not-a-real-token' },
    });
    const tested = await cli(['connection', 'test', stack.tenantId, created.body.id]);
    expect(tested.code).toBe(0);
    expect(json(tested)).toMatchObject({ ok: false, status: 401 });
    const foreign = await cli(['connection', 'test', 'tenant_other', created.body.id]);
    expect({ code: foreign.code, error: cliError(foreign).code }).toEqual({ code: 1, error: 'NOT_FOUND' });
  });

  it('starts a key rotation and answers with the rows per key', async () => {
    const rotated = await cli(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    expect(json(rotated)).toEqual({ activeKeyId: 'k1', rowsByKey: expect.any(Object), rotating: expect.any(Boolean) });
  });

  it('prints help from the built binary without a server, and usage errors with exit 64', async () => {
    const help = await operatorCli({ ...stack.nats, envFor: () => ({ NATS_URL: 'nats://127.0.0.1:1' }) })([
      'syncs',
      'start',
      '--help',
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: shelflink syncs start <tenantId> <connectionId>');
    expect(help.stdout).toContain('sends: sync.run.start.v1');
    const missing = await cli(['connection', 'test', stack.tenantId]);
    expect({ code: missing.code, error: cliError(missing) }).toEqual({
      code: 64,
      error: {
        code: 'USAGE',
        message: expect.stringMatching(/^missing <connectionId>; usage: shelflink connection test/),
      },
    });
  });
});

describe('operator CLI launcher', () => {
  it('says to build first when dist/ is missing, exit 78', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shelflink-launcher-'));
    mkdirSync(join(root, 'bin'));
    copyFileSync('bin/shelflink.mjs', join(root, 'bin', 'shelflink.mjs'));
    const result = await new Promise<CliResult>((resolve) =>
      execFile(process.execPath, [join(root, 'bin', 'shelflink.mjs'), 'keys', 'status'], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    rmSync(root, { recursive: true, force: true });
    expect({ code: result.code, error: cliError(result) }).toEqual({
      code: 78,
      error: { code: 'NOT_BUILT', message: expect.stringContaining('npm run build') },
    });
  });
});
