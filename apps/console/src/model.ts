import { api } from './api.js';

/** The API shapes the console reads (see the OpenAPI document at /docs). */
export interface Connection {
  id: string;
  provider: string;
  alias: string;
  status: string;
  authMode: string;
  metadata: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export async function listConnections(): Promise<Connection[]> {
  return (await api<{ connections: Connection[] }>('GET', '/api/v1/connections')).connections;
}

export function connectionLabel(connection: Connection): string {
  return `${connection.provider} · ${connection.alias}`;
}

/** Options for a connection picker; the first one (value '') means all connections. */
export function connectionOptions(connections: Connection[], all = 'All connections') {
  return [{ value: '', label: all }, ...connections.map((c) => ({ value: c.id, label: connectionLabel(c) }))];
}
