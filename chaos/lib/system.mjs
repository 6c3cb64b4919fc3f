// The system under chaos: the built services as processes on fixed ports (so a restart proves the port is not stuck),
// a nats-server of their own, a fresh migrated database, every secret replaced by a canary, every output kept.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsPasswordVariable } from '../../scripts/infra.mjs';
import { startNatsCluster } from '../../scripts/nats-cluster.mjs';
import {
  createDatabase,
  freePort,
  root,
  serviceNames,
  startNats,
  startService,
  waitForHttp,
} from '../../bench/lib/stack.mjs';

/** A copy of the sandbox providers config whose every secret is a canary (client secrets, webhook signing keys). */
function canaryProvidersConfig(canaries, dir) {
  const config = JSON.parse(readFileSync(join(root, 'libs/providers/config/providers.sandbox.json'), 'utf8'));
  for (const provider of Object.values(config.providers)) {
    if ('clientSecret' in provider) provider.clientSecret = canaries.clientSecret;
    if (Array.isArray(provider.webhookSecrets)) {
      provider.webhookSecrets = provider.webhookSecrets.map((s) =>
        s.startsWith('whsec_')
          ? `whsec_${Buffer.from(canaries.webhookSecret).toString('base64')}`
          : canaries.webhookSecret,
      );
    }
  }
  const path = join(dir, 'providers.canary.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Stands in for every provider: answers 503 to everything and records each request (the outbound-URL ledger). */
async function startProviderLedger() {
  const ledger = [];
  const server = createServer((req, res) => {
    ledger.push({ method: req.method, url: req.url, host: req.headers.host });
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"code":"SERVICE_UNAVAILABLE"}]}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    ledger,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * `cluster: true` puts the services on three clustered nats-servers (scripts/nats-cluster.mjs) with R3 streams; then
 * `system.nats` is that cluster (`stop(i, hard)`, `start(i)`, `urls`) and NATS_URL lists every node.
 */
export async function startSystem({ serverUrl, distRoot, canaries, sandboxUrl, extraEnv = {}, cluster = false }) {
  const workDir = mkdtempSync(join(tmpdir(), 'shelflink-chaos-'));
  const database = await createDatabase(serverUrl, { prefix: 'chaos', migrate: true, distRoot });
  const passwords = {
    [natsPasswordVariable('gateway')]: canaries.natsGateway,
    [natsPasswordVariable('auth-service')]: canaries.natsAuth,
    [natsPasswordVariable('webhook-ingest')]: canaries.natsWebhook,
    [natsPasswordVariable('sync-service')]: canaries.natsSync,
    [natsPasswordVariable('operator')]: canaries.natsOperator,
  };
  const nats = cluster ? await startNatsCluster({ passwords }) : await startNats({ passwords, monitor: true });
  const providersConfig = canaryProvidersConfig(canaries, workDir);
  const providers = await startProviderLedger();
  const ports = Object.fromEntries(await Promise.all(serviceNames.map(async (name) => [name, await freePort()])));
  const retired = [];
  const replicas = [];
  const services = {};

  const envFor = (name) => ({
    LOG_LEVEL: 'debug',
    ...nats.envFor(name),
    ...(name === 'gateway' ? {} : { DATABASE_URL: database.url }),
    SHELFLINK_MASTER_KEYS: `k1:${canaries.masterKey}`,
    SHELFLINK_ACTIVE_KEY_ID: 'k1',
    SHELFLINK_BOOTSTRAP_TENANT_ID: 'chaos',
    SHELFLINK_BOOTSTRAP_API_KEY: canaries.apiKey,
    PROVIDERS_CONFIG: providersConfig,
    SANDBOX_URL: sandboxUrl ?? providers.url,
    PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway}`,
    HTTP_PORT: String(ports[name]),
    ...(cluster ? { NATS_STREAM_REPLICAS: '3' } : {}),
    ...extraEnv,
  });

  const system = {
    database,
    nats,
    providers,
    ports,
    envFor,
    services,
    url: (name) => `http://127.0.0.1:${ports[name]}`,
    /** (Re)starts one service on its fixed port; `env` adds variables (fault hooks, a fake clock through LD_PRELOAD). */
    async start(name, { env = {}, waitFor = 'ready', timeoutMs = 30_000 } = {}) {
      if (services[name]) {
        // A test restarts a service after killing it; one that is somehow still alive must not linger.
        await services[name].stop();
        retired.push(services[name]);
      }
      services[name] = await startService(name, { ...envFor(name), ...env }, { distRoot, waitFor: false });
      if (waitFor) {
        await waitForHttp(`${system.url(name)}/health/${waitFor}`, {
          exit: services[name].exited(),
          output: services[name].output,
          timeoutMs,
        });
      }
      return services[name];
    },
    /** A second process of a service (another replica in the same queue group), on a port of its own. */
    async startReplica(name, { env = {} } = {}) {
      const replica = await startService(
        name,
        { ...envFor(name), ...env, HTTP_PORT: String(await freePort()) },
        { distRoot },
      );
      replicas.push(replica);
      return replica;
    },
    async startAll() {
      for (const name of serviceNames) await system.start(name);
    },
    /** Everything every service process printed, killed ones included, for the canary scan. */
    outputs: () =>
      [...retired, ...replicas, ...Object.values(services)].map((s, i) => ({
        source: `${s.name}#${i} stdout/stderr`,
        text: s.output(),
      })),
    /** Every row the services wrote (secrets must be sealed or hashed there), for the canary scan. */
    dump() {
      const result = spawnSync('pg_dump', ['--data-only', '--no-owner', database.url], {
        encoding: 'latin1',
        maxBuffer: 512 * 2 ** 20,
      });
      return {
        source: `pg_dump --data-only of ${database.name}`,
        text: result.status === 0 ? result.stdout : `(pg_dump failed: ${result.stderr})`,
      };
    },
    /** The database dump, then each service's outbound call log on its own (rows named in the report). */
    dumps() {
      return [system.dump(), ...system.callLogDumps()];
    },
    /** The outbound call log of each service on its own (a row per provider call; never a secret), for the scan. */
    callLogDumps() {
      return ['auth.provider_calls', 'sync.provider_calls'].map((table) => {
        const result = spawnSync('pg_dump', ['--data-only', '--no-owner', `--table=${table}`, database.url], {
          encoding: 'latin1',
          maxBuffer: 256 * 2 ** 20,
        });
        const rows = result.status === 0 ? copyRows(result.stdout) : 0;
        return {
          source: `call log ${table} (${rows} rows)`,
          text: result.status === 0 ? result.stdout : `(pg_dump failed: ${result.stderr})`,
        };
      });
    },
    async stop() {
      await Promise.all([...retired, ...replicas, ...Object.values(services)].map((s) => s.stop()));
      await nats.dispose();
      await providers.close();
      await database.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return system;
}

/** Data lines of the COPY blocks of a pg_dump (its rows). */
function copyRows(dump) {
  let rows = 0;
  let inCopy = false;
  for (const line of dump.split('\n')) {
    if (line.startsWith('COPY ')) inCopy = true;
    else if (line === '\\.') inCopy = false;
    else if (inCopy) rows += 1;
  }
  return rows;
}
