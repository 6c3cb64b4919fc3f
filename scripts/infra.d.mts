import type { ChildProcess } from 'node:child_process';

export const root: string;
export const natsUsers: string[];
export function log(message: string): void;
export function waitForPort(port: number, host?: string, timeoutMs?: number): Promise<void>;
export function portOpen(port: number, host?: string): Promise<boolean>;
export function freePort(): Promise<number>;
export function ensurePostgres(
  database?: string,
): Promise<{ url: string; serverUrl: string; stop: () => Promise<void> }>;
export function natsServerBinary(): string;
export function natsPasswords(existing?: NodeJS.ProcessEnv): Record<string, string>;
export function natsPasswordVariable(user: string): string;
export function prepareNatsConfig(configDir: string): { args: string[]; usersFile: string; pidFile: string };
export function startNatsServer(options: {
  port: number;
  monitorPort?: number;
  storeDir: string;
  passwords: Record<string, string>;
  quiet?: boolean;
}): Promise<{ url: string; child: ChildProcess; usersFile: string; pidFile: string; stop: () => Promise<void> }>;
export function stopChild(child: ChildProcess, graceMs?: number): Promise<void>;
export const services: { name: string; port: number; migrate: boolean }[];
export function runMigrations(databaseUrl: string): void;
export function ensureDependencies(): void;
export function build(): void;
