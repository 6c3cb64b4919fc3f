export interface NatsClusterNode {
  name: string;
  port: number;
  monitorPort: number;
  routePort: number;
  storeDir: string;
  /** The running process, when the node is up. */
  child?: import('node:child_process').ChildProcess;
}

export interface NatsCluster {
  /** Every node's client URL, comma-separated: what NATS_URL takes. */
  url: string;
  urls: string[];
  nodes: NatsClusterNode[];
  passwords: Record<string, string>;
  password(user: string): string;
  envFor(user: string): Record<string, string>;
  waitForJetStream(timeoutMs?: number): Promise<string>;
  stop(index: number, hard?: boolean): Promise<void>;
  start(index: number): Promise<void>;
  dispose(): Promise<void>;
}

export function natsClusterNodeArgs(options: {
  configArgs: string[];
  name: string;
  clusterName: string;
  port: number;
  monitorPort: number;
  routePort: number;
  peerRoutePorts: number[];
}): string[];
export function jetStreamMeta(monitorPort: number): Promise<{ leader: string; cluster_size: number } | undefined>;
export function startNatsCluster(options?: {
  size?: number;
  passwords?: Record<string, string>;
  clusterName?: string;
}): Promise<NatsCluster>;
