#!/usr/bin/env node
// `npm test`'s example step: examples/stock-watcher installed like an outside repo would (npm pack of
// @shelflink/client into a copy of the example) and its own `npm test` run against Shelflink brought up here: the four
// built services, nats-server with the repo's config, the sandbox as Square, a consumer service added with
// `shelflink services add`. Needs the build (dist/) and TEST_DATABASE_URL (a Postgres server).
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase, root, withClient } from '../bench/lib/stack.mjs';
import { makeCanaries } from '../chaos/lib/canary.mjs';
import { createRng } from '../chaos/lib/rng.mjs';
import { withSandboxSystem } from '../chaos/lib/sandbox.mjs';
import { eventually, request } from '../chaos/lib/traffic.mjs';
import { log } from './infra.mjs';

const run = promisify(execFile);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const distRoot = join(root, 'dist');
const canaries = makeCanaries(createRng(23));
const app = { provider: 'square', clientId: 'sandbox-square-client' };
const MERCHANT = 'MWATCHER1';

const folder = mkdtempSync(join(tmpdir(), 'shelflink-example-'));
const watcherDb = await createDatabase(serverUrl, { prefix: 'stock_watcher' });
try {
  await withSandboxSystem(
    { serverUrl, distRoot, canaries, artifacts: [], env: {}, app },
    async ({ system, sandbox }) => {
      await system.startAll();
      const admin = async (path, body) => {
        const reply = await request(`${system.url('gateway')}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${canaries.apiKey}`, 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: reply.status, body: JSON.parse(reply.body) };
      };
      // A Square merchant in the sandbox, connected for the tenant, its locations and inventory synced.
      await sandbox.admin('/accounts', { provider: 'square', account: MERCHANT, locations: 2, products: 5, orders: 1 });
      const { mintSquareToken } = await import(pathToFileURL(join(distRoot, 'tools/sandbox/src/sandbox.js')).href);
      const squareApp = {
        ...app,
        clientSecret: canaries.clientSecret,
        redirectUris: [`${system.url('gateway')}/oauth/callback`],
      };
      const token = await mintSquareToken(sandbox.url, squareApp, MERCHANT, 'ORDERS_READ MERCHANT_PROFILE_READ');
      const created = await admin('/api/v1/connections', {
        provider: 'square',
        alias: 'watcher',
        credentials: { type: 'access-token', accessToken: token },
        metadata: { merchantId: MERCHANT },
      });
      if (created.status !== 201) throw new Error(`connection: ${created.status} ${JSON.stringify(created.body)}`);
      const connectionId = created.body.id;
      // The consumer service, as an operator adds one.
      const { stdout: credentials } = await run(
        process.execPath,
        ['bin/shelflink.mjs', 'services', 'add', 'stock-watcher', '--tenant', 'chaos'],
        {
          cwd: root,
          env: {
            ...process.env,
            ...system.nats.envFor('operator'),
            NATS_USERS_FILE: system.nats.usersFile,
            NATS_PID_FILE: system.nats.pidFile,
          },
        },
      );
      const started = await admin(`/api/v1/connections/${connectionId}/syncs`, { streams: ['locations', 'inventory'] });
      const runIds = started.body.runs.map((r) => r.id);
      await eventually(async () => {
        const runs = await Promise.all(runIds.map((id) => admin(`/api/v1/sync-runs/${id}`)));
        return runs.every((r) => r.body.status === 'succeeded');
      }, 60_000);
      const [inventory, location] = await withClient(system.database.url, async (client) => [
        (await client.query('SELECT count(*) AS n FROM sync.inventory_levels WHERE connection_id = $1', [connectionId]))
          .rows[0].n,
        (await client.query('SELECT external_id FROM sync.locations WHERE connection_id = $1 LIMIT 1', [connectionId]))
          .rows[0].external_id,
      ]);

      // The example, installed like a user would: a copy outside the repo, the client from npm pack.
      const { stdout: packed } = await run('npm', ['pack', '--pack-destination', folder, '--silent'], {
        cwd: join(root, 'packages/client'),
      });
      const example = join(folder, 'stock-watcher');
      cpSync(join(root, 'examples/stock-watcher'), example, {
        recursive: true,
        filter: (p) => !p.includes('node_modules'),
      });
      await run('npm', ['install', join(folder, packed.trim()), '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: example,
      });
      log(`example: stock-watcher installed; ${inventory} inventory records to follow`);
      const result = await run('npm', ['test'], {
        cwd: example,
        env: {
          ...process.env,
          SHELFLINK_CREDENTIALS: credentials,
          DATABASE_URL: watcherDb.url,
          TENANT_ID: 'chaos',
          CONNECTION_ID: connectionId,
          SQUARE_BASE_URL: `${sandbox.url}/square`,
          LOCATION_ID: location,
          EXPECTED_INVENTORY: String(inventory),
        },
      }).catch((error) => error);
      process.stdout.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
      if (result instanceof Error) throw new Error('the example test failed');
    },
  );
  log('example: stock-watcher passed');
} catch (error) {
  log(`example: FAILED: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await watcherDb.drop();
  rmSync(folder, { recursive: true, force: true });
}
