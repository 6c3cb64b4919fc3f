// Test support: the hooks every token-service test file needs (a token endpoint, the services on it, factories, and
// per test a clock back at the wall clock's now, no held answers and no spies left).
import { jest } from '@jest/globals';
import { authFactories, type AuthFactories } from './auth.factories.js';
import { startAuthServices, type AuthServicesHarness } from './auth-services.harness.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.server.js';

export interface TokenServicesContext {
  endpoint: TokenEndpoint;
  harness: AuthServicesHarness;
  make: AuthFactories;
}

/** Registers the hooks in the calling `describe`; the context's fields are set once `beforeAll` has run. */
export function tokenServicesUnderTest(prefix: string): TokenServicesContext {
  const context = {} as TokenServicesContext;

  beforeAll(async () => {
    context.endpoint = await startTokenEndpoint();
    context.harness = await startAuthServices({ prefix, providerUrl: context.endpoint.url });
    context.make = authFactories(context.harness.replica, context.harness.clock);
  });

  beforeEach(() => context.harness.clock.set(Date.now()));

  afterEach(() => {
    context.endpoint.release();
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await context.harness?.close();
    await context.endpoint?.close();
  });

  return context;
}
