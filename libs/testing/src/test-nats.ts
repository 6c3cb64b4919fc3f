import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsPasswords, natsPasswordVariable, startNatsServer } from '../../../scripts/infra.mjs';
import { startNatsCluster, type NatsCluster } from '../../../scripts/nats-cluster.mjs';
import { freePort } from './free-port.js';

/** A nats-server of a test file's own, running the repo's permissions config, that a test may kill and restart. */
export interface TestNats {
  readonly url: string;
  readonly port: number;
  /** The generated users file its nats.conf includes, and its pid file: what `shelflink services …` rewrites and signals. */
  readonly usersFile: string;
  readonly pidFile: string;
  /** NATS_URL/NATS_USER/NATS_PASSWORD for a service or the operator user. */
  envFor(user: string): Record<string, string>;
  connectAs(user: string, options?: { inboxPrefix?: string }): Promise<NatsConnection>;
  /** Stops the server (SIGKILL when `hard`) and keeps its store so `start` brings back the same JetStream state. */
  stop(hard?: boolean): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its store. */
  dispose(): Promise<void>;
}

export async function startTestNats(): Promise<TestNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'shelflink-nats-'));
  const passwords = natsPasswords({});
  let server = await startNatsServer({ port, storeDir, passwords });
  const url = server.url;
  const password = (user: string) => passwords[natsPasswordVariable(user)] ?? '';

  return {
    url,
    port,
    usersFile: server.usersFile,
    pidFile: server.pidFile,
    envFor: (user) => ({ NATS_URL: url, NATS_USER: user, NATS_PASSWORD: password(user) }),
    connectAs: (user, options) =>
      connect({
        servers: url,
        user,
        pass: password(user),
        inboxPrefix: options?.inboxPrefix ?? `_INBOX_${user.replace(/-/g, '_')}`,
      }),
    async stop(hard = false) {
      if (hard) server.child.kill('SIGKILL');
      await server.stop();
    },
    async start() {
      server = await startNatsServer({ port, storeDir, passwords });
    },
    async dispose() {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** Every message a JetStream stream holds now, oldest first, parsed as JSON (a test's oracle of what was published). */
export async function streamMessages<T>(connection: NatsConnection, stream: string): Promise<T[]> {
  const manager = await jetstreamManager(connection);
  const { state } = await manager.streams.info(stream);
  const messages: T[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const message = await manager.streams.getMessage(stream, { seq });
    if (message) messages.push(message.json<T>());
  }
  return messages;
}

/** A three-node NATS cluster of a test file's own (routes, JetStream each, the repo's permissions config). */
export interface TestNatsCluster extends NatsCluster {
  /** Connects to every node's URL, so the connection rides through the loss of one. */
  connectAs(user: string): Promise<NatsConnection>;
}

export async function startTestNatsCluster(size = 3): Promise<TestNatsCluster> {
  const cluster = await startNatsCluster({ size });
  return Object.assign(cluster, {
    connectAs: (user: string) =>
      connect({
        servers: cluster.urls,
        user,
        pass: cluster.password(user),
        inboxPrefix: `_INBOX_${user.replace(/-/g, '_')}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      }),
  });
}
