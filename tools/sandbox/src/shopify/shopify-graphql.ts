import type { SandboxState } from '../sandbox-context.js';
import type { ShopContext } from './shopify-render.js';

/**
 * An argument of the operation: `name: $var` (from variables), a string, number, boolean, enum or list literal.
 * Enough for the operations the sandbox answers; not a GraphQL parser.
 */
export function argument(query: string, variables: Record<string, unknown>, name: string): unknown {
  const pattern = new RegExp(`(?<![$\\w])${name}\\s*:\\s*(\\$\\w+|"(?:[^"\\\\]|\\\\.)*"|\\[[^\\]]*\\]|-?\\d+|\\w+)`);
  const raw = pattern.exec(query)?.[1];
  if (raw === undefined) return undefined;
  if (raw.startsWith('$')) return variables[raw.slice(1)];
  if (raw.startsWith('"')) return JSON.parse(raw) as string;
  if (raw.startsWith('['))
    return raw
      .slice(1, -1)
      .split(',')
      .map((v) => v.trim().replace(/^"|"$/g, ''))
      .filter(Boolean);
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return raw === 'null' ? null : raw;
}

/** One GraphQL request: the operation and who asks. */
export interface Operation {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  arg(name: string): unknown;
}

export interface GraphqlCall {
  readonly state: SandboxState;
  readonly ctx: ShopContext;
  /** The app the access token belongs to. */
  readonly clientId: string;
  readonly op: Operation;
  readonly version: string;
}

/** Answers one root field with the whole GraphQL response (`data` or `errors`). */
export type Resolver = (call: GraphqlCall) => object;

export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

/** The numeric id of a `gid://shopify/{kind}/{id}`, as digits (64-bit ids stay exact). */
export function gidNumber(kind: string, gid: unknown): string | undefined {
  const match = typeof gid === 'string' ? new RegExp(`^gid://shopify/${kind}/(\\d+)$`).exec(gid) : null;
  return match?.[1];
}

export const invalidArgument = (field: string, name: string, value: unknown): object => ({
  errors: [
    {
      message: `Argument '${name}' on Field '${field}' has an invalid value (${String(value)}).`,
      extensions: { code: 'argumentLiteralsIncompatible' },
    },
  ],
});
