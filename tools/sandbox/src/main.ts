import { readConfigFile, readSandboxEnv } from './sandbox.config.js';
import { startSandbox } from './sandbox.js';

// CLI entry: node dist/tools/sandbox/src/main.js
async function main(): Promise<void> {
  const env = readSandboxEnv();
  const sandbox = await startSandbox({
    port: env.SANDBOX_PORT,
    host: env.SANDBOX_HOST,
    seed: env.SANDBOX_SEED,
    dataset: { orders: env.SANDBOX_ORDERS, products: env.SANDBOX_PRODUCTS, locations: env.SANDBOX_LOCATIONS },
    config: env.SANDBOX_CONFIG ? readConfigFile(env.SANDBOX_CONFIG) : undefined,
  });
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'sandbox listening', url: sandbox.url, port: sandbox.port })}\n`,
  );
  const stop = (signal: string): void => {
    process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'sandbox stopping', signal })}\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', msg: 'sandbox failed to start', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
