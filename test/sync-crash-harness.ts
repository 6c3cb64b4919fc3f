// Test support: sync-service replicas on an auth stack, killed -9 while they hold a run.
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { syncServiceEnv, type AuthStack } from './auth-harness.js';

/** Two sync-service replicas on the stack with small pages, short leases and the given rate budgets. */
export async function startSyncReplicas(
  stack: AuthStack,
  page: number,
  rateLimits: Record<string, { capacity: number; refillPerSecond: number }>,
): Promise<{ replicas: ServiceProcess[]; env: Record<string, string> }> {
  const env = syncServiceEnv(stack, {
    SYNC_PAGE_SIZE: String(page),
    SYNC_LEASE_TTL_MS: '1500',
    SYNC_RUN_ACK_WAIT_MS: '2000',
    SYNC_RATE_LIMITS: JSON.stringify(rateLimits),
  });
  const replicas: ServiceProcess[] = [];
  for (let i = 0; i < 2; i++) replicas.push(await startService('sync-service', env));
  return { replicas, env };
}

/** Once the run has committed `pages`, kills -9 the replica holding its lease and starts a replacement. */
export async function killRunHolder(
  stack: AuthStack,
  replicas: ServiceProcess[],
  env: Record<string, string>,
  runId: string,
  pages: number,
): Promise<void> {
  let victim: ServiceProcess | undefined;
  const committed = async (): Promise<number> =>
    Number(
      ((await stack.sql.query('SELECT pages FROM sync.runs WHERE id = $1', [runId])).rows[0] as { pages: number })
        .pages,
    );
  await eventually(
    async () => {
      if ((await committed()) < pages) return false;
      const lease = (await stack.sql.query('SELECT holder FROM sync.stream_leases WHERE run_id = $1', [runId]))
        .rows[0] as { holder: string } | undefined;
      victim = replicas.find((replica) => lease?.holder.includes(`:${replica.child.pid}:`));
      return victim !== undefined;
    },
    60_000,
    20,
  ).catch(async (error: unknown) => {
    const state = await stack.sql.query(
      'SELECT r.status, r.pages, r.attempts, r.error_code, r.error_message, l.holder, l.expires_at, now() FROM sync.runs r LEFT JOIN sync.stream_leases l ON l.run_id = r.id WHERE r.id = $1',
      [runId],
    );
    process.stdout.write(
      `DEBUG ${JSON.stringify(state.rows)} pids ${replicas.map((r) => r.child.pid).join(',')}\n${replicas.map((r) => r.output().slice(-3000)).join('\n----\n')}\n`,
    );
    throw error;
  });
  await victim?.kill();
  replicas.splice(replicas.indexOf(victim as ServiceProcess), 1);
  replicas.push(await startService('sync-service', env));
}

/** Waits until the run succeeded (the survivors and replacements finish it). */
export async function runSucceeded(stack: AuthStack, runId: string, timeoutMs = 90_000): Promise<void> {
  await eventually(
    async () => {
      const run = await stack.admin('GET', `/api/v1/sync-runs/${runId}`);
      return (run.body as unknown as { status: string }).status === 'succeeded';
    },
    timeoutMs,
    100,
  );
}
