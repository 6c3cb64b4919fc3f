import { freePort } from '@shelflink/testing';
import { runCli, type CliContext } from './cli.js';
import { commandTable } from './command-table.js';
import { operatorSettings } from './config/cli.config.js';
import { LazyOperatorBus } from './operator-bus.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  opened: boolean;
}

/** Runs the CLI against `env` (a real bus: requests go to whatever server the env names). */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out = { stdout: '', stderr: '', opened: false };
  const context: CliContext = {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    openBus: () => {
      out.opened = true;
      return new LazyOperatorBus(() => operatorSettings(env, '/nonexistent/operator.json'));
    },
  };
  const code = await runCli(argv, commandTable, context);
  return { code, ...out };
}

const errorOf = (run: Run): { code: string; message: string } =>
  (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;

describe('runCli', () => {
  let nowhere: string; // a port nothing listens on: a request that reached for the bus would be UNAVAILABLE

  beforeAll(async () => {
    nowhere = `nats://127.0.0.1:${await freePort()}`;
  });

  it.each([['--help'], ['-h'], ['help']])('prints the global help for %s, exit 0', async (word) => {
    const run = await cli([word]);
    expect(run).toMatchObject({ code: 0, stderr: '', opened: false });
    expect(run.stdout).toMatch(/^usage: shelflink <command>/);
    expect(run.stdout).toContain('deadletters requeue');
  });

  it("prints one command's help wherever --help stands, without connecting", async () => {
    for (const argv of [
      ['syncs', 'start', '--help'],
      ['syncs', 'start', 't1', '-h'],
      ['help', 'syncs', 'start'],
    ]) {
      const run = await cli(argv);
      expect(run).toMatchObject({ code: 0, stderr: '', opened: false });
      expect(run.stdout).toMatch(/^usage: shelflink syncs start <tenantId> <connectionId>/);
    }
    expect((await cli(['syncs', '--help'])).stdout).toMatch(/^usage: shelflink syncs <action>/);
  });

  it('prints the usage on stderr with exit 64 when no command is given', async () => {
    const run = await cli([]);
    expect(run).toMatchObject({ code: 64, stdout: '' });
    expect(run.stderr).toMatch(/^usage: shelflink/);
  });

  it("names an unknown command's group's commands, exit 64", async () => {
    const run = await cli(['syncs', 'stop']);
    expect(run).toMatchObject({ code: 64, stdout: '', opened: false });
    expect(errorOf(run)).toEqual({
      code: 'USAGE',
      message: expect.stringMatching(/^unknown command "syncs stop"; usage: shelflink .*: syncs start, syncs list /),
    });
    expect(errorOf(await cli(['nothing'])).message).toContain('tenant create, apikey create');
  });

  it("answers a bad command line with the command's usage, exit 64, before any connection", async () => {
    const missing = await cli(['syncs', 'start', 't1'], { NATS_URL: nowhere, NATS_PASSWORD: 'pw' });
    expect(missing).toMatchObject({ code: 64, stdout: '' });
    expect(errorOf(missing)).toEqual({
      code: 'USAGE',
      message:
        'missing <connectionId>; usage: shelflink syncs start <tenantId> <connectionId> [--streams <list>] [--full]',
    });
    const both = await cli(['schedule', 'set', 't', 'c', 'orders', '--pause', '--resume'], { NATS_URL: nowhere });
    expect({ code: both.code, error: errorOf(both).message }).toEqual({
      code: 64,
      error: expect.stringMatching(/^--pause and --resume exclude each other; usage: /),
    });
  });

  it('refuses an api --header the proxy would not forward, exit 64, before any connection', async () => {
    const run = await cli(['api', 't1', 'c1', 'GET', '/v2/locations', '--header', 'Authorization: Bearer mine'], {
      NATS_URL: nowhere,
      NATS_PASSWORD: 'pw',
    });
    expect(run).toMatchObject({ code: 64, stdout: '' });
    expect(errorOf(run)).toEqual({
      code: 'USAGE',
      message: expect.stringMatching(
        /^--header authorization is not sent by the proxy .*; usage: shelflink api <tenant> <connection> <method> <path> \[options\]$/,
      ),
    });
  });

  it('refuses a request that breaks its contract with INVALID_REQUEST, exit 1, without sending it', async () => {
    const env = { NATS_URL: nowhere, NATS_PASSWORD: 'pw' };
    const tooMany = await cli(['events', 'list', 't1', '--limit', '5000'], env);
    expect({ code: tooMany.code, stdout: tooMany.stdout, error: errorOf(tooMany) }).toEqual({
      code: 1,
      stdout: '',
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('limit') },
    });
    const badStream = await cli(['syncs', 'start', 't1', 'c1', '--streams', 'orders,tickets'], env);
    expect(errorOf(badStream)).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('streams.1'),
    });
    const badTime = await cli(['events', 'replay', 't1', 'c1', '--from', 'yesterday', '--to', 'now'], env);
    expect(errorOf(badTime)).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('from') });
  });

  it('says when no server answers, naming the servers but never a password', async () => {
    const url = nowhere.replace('//', '//operator:secret-in-url@');
    const run = await cli(['keys', 'status'], { NATS_URL: url, NATS_PASSWORD: 'secret-password' });
    expect(run.code).toBe(1);
    expect(errorOf(run)).toEqual({ code: 'UNAVAILABLE', message: expect.stringContaining(nowhere) });
    expect(run.stderr).not.toMatch(/secret/);
  });

  it('exits 78 naming the variable when there is no password anywhere', async () => {
    const run = await cli(['keys', 'status'], { NATS_URL: nowhere });
    expect(run.code).toBe(78);
    expect(errorOf(run)).toEqual({ code: 'CONFIG', message: expect.stringContaining('NATS_PASSWORD') });
  });
});
