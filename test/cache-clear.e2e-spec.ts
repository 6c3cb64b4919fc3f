import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { connectSquareMerchant, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { operatorCli } from './operator-cli.js';

interface Cleared {
  cleared: { 'auth-service': number; 'sync-service': number };
  replicas: { service: string; replica: string; cleared: { tokens: number } }[];
}

const MERCHANT = 'MLCACHE1';

// `npx shelflink cache clear` reaches every replica of auth-service and sync-service (a broadcast each) and counts them.
describe('cache clear on every replica (e2e)', () => {
  let stack: AuthStack;
  const syncs: ServiceProcess[] = [];

  const clear = async (): Promise<Cleared> => {
    const result = await operatorCli(stack.nats)(['cache', 'clear']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Cleared;
  };
  const tokensOf = (answer: Cleared, service: string): number =>
    answer.replicas.filter((r) => r.service === service).reduce((sum, r) => sum + r.cleared.tokens, 0);

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_cache_clear', replicas: 2 });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 5, orders: 5 });
    for (let i = 0; i < 2; i += 1) {
      syncs.push(
        await startService(
          'sync-service',
          syncServiceEnv(stack, {
            SYNC_SCHEDULER_TICK_MS: '3600000',
          }),
        ),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(syncs.map((sync) => sync.stop()));
    await stack?.close();
  });

  it('clears the cached tokens of both replicas of each service and reports how many answered', async () => {
    const connectionId = await connectSquareMerchant(stack, MERCHANT, 'cache');
    const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, { streams: ['locations'] });
    expect(started.status).toBe(202);
    const runId = (started.body as unknown as { runs: { id: string }[] }).runs[0]?.id ?? '';
    await eventually(
      async () =>
        ((await stack.admin('GET', `/api/v1/sync-runs/${runId}`)).body as unknown as { status: string }).status ===
        'succeeded',
    );
    // The sync's token came from one auth-service replica's cache and sits in one sync-service replica's.
    const first = await clear();
    expect(first.cleared).toEqual({ 'auth-service': 2, 'sync-service': 2 });
    expect(new Set(first.replicas.map((r) => r.replica)).size).toBe(4);
    expect(tokensOf(first, 'auth-service')).toBe(1);
    expect(tokensOf(first, 'sync-service')).toBe(1);

    const second = await clear();
    expect(second.cleared).toEqual({ 'auth-service': 2, 'sync-service': 2 });
    expect(tokensOf(second, 'auth-service') + tokensOf(second, 'sync-service')).toBe(0);

    await syncs.pop()?.stop();
    await expect(clear()).resolves.toMatchObject({ cleared: { 'auth-service': 2, 'sync-service': 1 } });
  });
});
