// A NATS cluster on loopback for tests, chaos and bench: `size` nats-servers with the repo's config
// (deploy/nats/nats.conf, its users and permissions), cluster routes between them and a JetStream store each.
// Every node keeps its ports and store across stop/start, so a killed node rejoins as itself.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  natsPasswords,
  natsPasswordVariable,
  natsServerBinary,
  portOpen,
  prepareNatsConfig,
  stopChild,
} from './infra.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The command line of one node: the repo's config, its own name, ports and routes to every other node. */
export function natsClusterNodeArgs({ configArgs, name, clusterName, port, monitorPort, routePort, peerRoutePorts }) {
  return [
    ...configArgs,
    ...['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-n', name],
    ...['--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${routePort}`],
    ...['--routes', peerRoutePorts.map((p) => `nats://127.0.0.1:${p}`).join(',')],
  ];
}

/** One node as a child process; its output tail is kept so a failure says why. */
async function spawnNode(node, { passwords, clusterName, peers, timeoutMs = 15_000 }) {
  const { args: configArgs } = prepareNatsConfig(join(node.storeDir, 'config'));
  const args = natsClusterNodeArgs({ configArgs, clusterName, peerRoutePorts: peers, ...node });
  const child = spawn(natsServerBinary(), args, {
    env: { ...process.env, ...passwords, NATS_STORE_DIR: node.storeDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await portOpen(node.port)) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(
    `nats-server ${node.name} did not listen on ${node.port}: ${output.trim().split('\n').slice(-3).join(' | ')}`,
  );
}

/** The node's view of JetStream (`/jsz`): its meta leader, or undefined while there is none or it is down. */
export async function jetStreamMeta(monitorPort) {
  try {
    const response = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, { signal: AbortSignal.timeout(1_000) });
    const body = await response.json();
    return body.meta_cluster?.leader ? body.meta_cluster : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a cluster of `size` nodes and resolves once every node knows the JetStream meta leader (R3 streams can be
 * placed). `stop(i, hard)` and `start(i)` take one node down and bring it back on the same ports and store.
 */
export async function startNatsCluster({ size = 3, passwords = natsPasswords({}), clusterName = 'shelflink' } = {}) {
  const baseDir = mkdtempSync(join(tmpdir(), 'shelflink-nats-cluster-'));
  const nodes = [];
  for (let i = 0; i < size; i += 1) {
    const [port, monitorPort, routePort] = [await freePort(), await freePort(), await freePort()];
    const storeDir = join(baseDir, `n${i + 1}`);
    mkdirSync(storeDir, { recursive: true });
    nodes.push({ name: `n${i + 1}`, port, monitorPort, routePort, storeDir, child: undefined });
  }
  const peersOf = (node) => nodes.filter((other) => other !== node).map((other) => other.routePort);
  const startNode = async (node) => {
    node.child = await spawnNode(node, { passwords, clusterName, peers: peersOf(node) });
  };
  const stopNode = async (node, hard) => {
    if (!node.child) return;
    if (hard) node.child.kill('SIGKILL');
    await stopChild(node.child);
    node.child = undefined;
  };
  const urls = nodes.map((node) => `nats://127.0.0.1:${node.port}`);
  const password = (user) => passwords[natsPasswordVariable(user)] ?? '';
  const cluster = {
    url: urls.join(','),
    urls,
    nodes,
    passwords,
    password,
    envFor: (user) => ({ NATS_URL: cluster.url, NATS_USER: user, NATS_PASSWORD: password(user) }),
    /** Resolves once every running node names the same meta leader (and `expectUp` nodes run). */
    async waitForJetStream(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const running = nodes.filter((node) => node.child);
        const metas = await Promise.all(running.map((node) => jetStreamMeta(node.monitorPort)));
        const leaders = new Set(metas.map((meta) => meta?.leader));
        if (!leaders.has(undefined) && leaders.size === 1) return [...leaders][0];
        await sleep(100);
      }
      throw new Error(`the NATS cluster has no JetStream meta leader after ${timeoutMs} ms`);
    },
    stop: (i, hard = false) => stopNode(nodes[i], hard),
    async start(i) {
      await startNode(nodes[i]);
      await cluster.waitForJetStream();
    },
    async dispose() {
      await Promise.all(nodes.map((node) => stopNode(node, false)));
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map(startNode));
    await cluster.waitForJetStream();
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
  return cluster;
}
