import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const apps = ['gateway', 'auth-service', 'webhook-ingest', 'sync-service'];

interface ComposeService {
  build?: unknown;
  profiles?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  image?: string;
  ports?: string[];
  container_name?: string;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  command?: string[];
  volumes?: string[];
}

const dockerCompose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
const composeAvailable = dockerCompose.status === 0;

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it('runs every app as its own scalable service with a readiness healthcheck', () => {
    for (const app of apps) {
      const service = compose.services[app];
      expect(service).toBeDefined();
      expect(service?.build).toBeDefined();
      expect(service?.container_name).toBeUndefined();
      expect(service?.environment?.APP).toBe(app);
      expect(service?.environment?.NATS_USER).toBe(app);
      expect(service?.healthcheck?.test.join(' ')).toContain('/health/ready');
      // Only the public edge binds a host port; anything else could not be scaled past one replica.
      if (app !== 'gateway') expect(service?.ports).toBeUndefined();
    }
  });

  it('runs NATS with the repo permissions config and Postgres', () => {
    expect(JSON.stringify(compose.services.nats)).toContain('deploy/nats/nats.conf');
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
  });

  it('puts pgbouncer in transaction mode before Postgres under the profile `cluster`; migrations go direct', () => {
    const ini = readFileSync(join(root, 'deploy/pgbouncer/pgbouncer.ini'), 'utf8');
    const setting = (name: string) => new RegExp(`^${name} = (.+)$`, 'm').exec(ini)?.[1];
    expect(setting('pool_mode')).toBe('transaction');
    expect(setting('auth_type')).toBe('scram-sha-256');
    expect(setting('shelflink')).toContain('host=postgres port=5432');
    const pgbouncer = compose.services.pgbouncer;
    expect(pgbouncer?.profiles).toEqual(['cluster']);
    expect(pgbouncer?.ports).toBeUndefined();
    expect(pgbouncer?.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const app of apps.filter((name) => name !== 'gateway')) {
      const service = compose.services[app];
      expect(service?.environment?.DATABASE_URL).toContain('@${DATABASE_HOST:-postgres}:${DATABASE_PORT:-5432}/');
      // Without the profile the dependency is dropped, so the default deployment starts as before.
      expect(service?.depends_on?.pgbouncer).toEqual({ condition: 'service_healthy', required: false });
    }
    expect(compose.services.migrate?.environment?.DATABASE_URL).toContain('@postgres:5432/');
  });

  it('has a `cluster` profile of three routed NATS nodes, each with its own name and JetStream store', () => {
    const nodes = ['nats-1', 'nats-2', 'nats-3'].map((name) => ({ name, service: compose.services[name] }));
    for (const { name, service } of nodes) {
      expect(service?.profiles).toEqual(['cluster']);
      expect(service?.command?.join(' ')).toContain('/etc/nats/cluster.conf');
      expect(service?.environment?.NATS_SERVER_NAME).toBe(name);
      expect(service?.volumes).toEqual(
        expect.arrayContaining([`${name}-data:/data`, 'nats-users:/etc/nats/generated']),
      );
    }
    const clusterConf = readFileSync(join(root, 'deploy/nats/cluster.conf'), 'utf8');
    expect(clusterConf).toContain('include "nats.conf"');
    for (const { name } of nodes) expect(clusterConf).toContain(`nats-route://${name}:6222`);
    // The services take the node list and the replicas from the environment; one node and R1 by default.
    for (const app of apps) {
      expect(compose.services[app]?.environment?.NATS_URL).toBe('${NATS_URL:-nats://nats:4222}');
      expect(compose.services[app]?.environment?.NATS_STREAM_REPLICAS).toBe('${NATS_STREAM_REPLICAS:-1}');
    }
  });

  it(
    composeAvailable
      ? 'is accepted by `docker compose config`'
      : 'parses as YAML (docker compose is not installed here)',
    () => {
      if (!composeAvailable) {
        expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'nats', 'migrate', ...apps]));
        return;
      }
      const env = {
        ...process.env,
        POSTGRES_PASSWORD: 'x',
        NATS_GATEWAY_PASSWORD: 'x',
        NATS_AUTH_SERVICE_PASSWORD: 'x',
        NATS_WEBHOOK_INGEST_PASSWORD: 'x',
        NATS_SYNC_SERVICE_PASSWORD: 'x',
        NATS_OPERATOR_PASSWORD: 'x',
        SHELFLINK_MASTER_KEYS: 'k1:x',
        SHELFLINK_ACTIVE_KEY_ID: 'k1',
        PUBLIC_BASE_URL: 'https://example.test',
      };
      const result = spawnSync('docker', ['compose', '-f', join(root, 'docker-compose.yml'), 'config', '-q'], {
        env,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );
});
