import type { ChildProcess } from 'node:child_process';

export interface Pgbouncer {
  readonly port: number;
  readonly mode: string;
  child(): ChildProcess;
  url(databaseUrl: string): string;
  output(): string;
  restart(options?: { downMs?: number }): Promise<ChildProcess>;
  stop(): Promise<void>;
}
export function pgbouncerBinary(): string | undefined;
export function startPgbouncer(options: {
  serverUrl: string;
  binary?: string;
  mode?: 'transaction' | 'session' | 'statement';
  poolSize?: number;
  port: number;
}): Promise<Pgbouncer>;
