import { fileURLToPath } from 'node:url';
import { readConfigFile, readSandboxEnv } from './sandbox.config.js';

describe('readSandboxEnv', () => {
  it('defaults the port to 4600 and coerces numbers', () => {
    expect(readSandboxEnv({})).toMatchObject({ SANDBOX_PORT: 4600, SANDBOX_HOST: '127.0.0.1' });
    expect(readSandboxEnv({ SANDBOX_PORT: '0', SANDBOX_ORDERS: '1000000', SANDBOX_SEED: '7' })).toMatchObject({
      SANDBOX_PORT: 0,
      SANDBOX_ORDERS: 1_000_000,
      SANDBOX_SEED: 7,
    });
  });

  it('refuses malformed values', () => {
    expect(() => readSandboxEnv({ SANDBOX_PORT: 'abc' })).toThrow();
    expect(() => readSandboxEnv({ SANDBOX_LOCATIONS: '0' })).toThrow();
  });
});

describe('readConfigFile', () => {
  it("reads the development config, with the apps' webhook subscriptions", () => {
    const config = readConfigFile(fileURLToPath(new URL('../sandbox.dev.json', import.meta.url)));
    const square = config.apps.find((a) => a.provider === 'square');
    expect(square?.webhookSubscriptions?.[0]).toMatchObject({ url: 'http://127.0.0.1:3000/webhooks/square' });
  });
});
