import { ConfigError } from '@shelflink/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operatorSettings } from './cli.config.js';

describe('operatorSettings', () => {
  let dir: string;
  let stackFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shelflink-cli-'));
    stackFile = join(dir, 'operator.json');
    writeFileSync(stackFile, JSON.stringify({ url: 'nats://127.0.0.1:4322', password: 'from-npm-start' }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reaches the stack `npm start` left in .data/ with no variable set, as the operator user', () => {
    expect(operatorSettings({}, stackFile)).toEqual({
      url: 'nats://127.0.0.1:4322',
      user: 'operator',
      password: 'from-npm-start',
    });
  });

  it('prefers the environment: NATS_PASSWORD, then NATS_OPERATOR_PASSWORD, then the file', () => {
    const env = { NATS_URL: 'nats://nats:4222', NATS_USER: 'ops', NATS_OPERATOR_PASSWORD: 'operator-var' };
    expect(operatorSettings(env, stackFile)).toEqual({
      url: 'nats://nats:4222',
      user: 'ops',
      password: 'operator-var',
    });
    expect(operatorSettings({ ...env, NATS_PASSWORD: 'generic' }, stackFile).password).toBe('generic');
  });

  it('falls back to the default local URL, and refuses to go on without a password', () => {
    expect(operatorSettings({ NATS_PASSWORD: 'pw' }, join(dir, 'absent.json')).url).toBe('nats://127.0.0.1:4222');
    expect(() => operatorSettings({}, join(dir, 'absent.json'))).toThrow(ConfigError);
  });

  it('refuses a NATS_URL that is not one', () => {
    expect(() => operatorSettings({ NATS_URL: 'http://nats', NATS_PASSWORD: 'pw' }, stackFile)).toThrow(
      /NATS_URL is invalid/,
    );
  });
});
