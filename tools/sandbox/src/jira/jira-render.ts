import type { AccountDataset } from '../dataset/dataset.js';
import { pick } from '../util/prng.js';

/** The one project every sandbox site has. */
export const PROJECT = { id: '10000', key: 'OPS', name: 'Operations' } as const;
const FIRST_ID = 10000;
const ISSUE_TYPES = ['Task', 'Bug', 'Story'] as const;
const PRIORITIES = ['Medium', 'High', 'Low', 'Highest'] as const;
const TOPICS = ['Stock count mismatch', 'Price update', 'Store opening', 'Supplier delay', 'POS outage'] as const;
const STATUSES = [
  { name: 'To Do', category: 'new' },
  { name: 'In Progress', category: 'indeterminate' },
  { name: 'Done', category: 'done' },
] as const;

/** What an issue created through the API was given (generated issues have none). */
export interface IssueInput {
  readonly summary: string;
  readonly issuetype: string;
  readonly description: unknown;
  readonly labels: readonly string[];
}

// Issues created through POST /issue, per site dataset (a resize regenerates the site and forgets them).
const created = new WeakMap<AccountDataset, Map<number, IssueInput>>();

export function rememberIssue(data: AccountDataset, index: number, input: IssueInput): void {
  const map = created.get(data) ?? new Map<number, IssueInput>();
  map.set(index, input);
  created.set(data, map);
}

/** The labels of an issue: what it was created with (generated issues have none). */
export function issueLabels(data: AccountDataset, index: number): readonly string[] {
  return created.get(data)?.get(index)?.labels ?? [];
}

export const issueId = (index: number): string => String(FIRST_ID + index);
export const issueKey = (index: number): string => `${PROJECT.key}-${index + 1}`;

/** The issue index of an id (`10042`) or key (`OPS-43`), or undefined. */
export function issueIndex(data: AccountDataset, idOrKey: string): number | undefined {
  const key = new RegExp(`^${PROJECT.key}-(\\d+)$`, 'i').exec(idOrKey);
  const index = key ? Number(key[1]) - 1 : /^\d+$/.test(idOrKey) ? Number(idOrKey) - FIRST_ID : NaN;
  return Number.isInteger(index) && index >= 0 && index < data.orderCount ? index : undefined;
}

/** Jira's REST timestamp: milliseconds and an offset without a colon (`2026-09-01T10:30:00.000+0000`). */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function adf(text: string): object {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** All fields of an issue (Jira returns the requested subset). */
export function issueFields(data: AccountDataset, index: number, apiBase: string): Record<string, unknown> {
  const seed = data.options.seed;
  const order = data.order(index);
  const input = created.get(data)?.get(index);
  const status = STATUSES[input ? 0 : Math.min(order.version - 1, 2)] ?? STATUSES[0];
  const type = input?.issuetype ?? pick(ISSUE_TYPES, seed, 31, index);
  return {
    summary: input?.summary ?? `${pick(TOPICS, seed, 32, index)} at store ${order.locationIndex + 1}`,
    issuetype: { name: type, subtask: false },
    project: { ...PROJECT, self: `${apiBase}/rest/api/3/project/${PROJECT.id}` },
    status: { name: status.name, statusCategory: { key: status.category } },
    priority: { name: pick(PRIORITIES, seed, 33, index) },
    labels: issueLabels(data, index),
    description: input ? input.description : adf(`Generated issue ${index + 1}.`),
    created: jiraTime(order.createdAt),
    updated: jiraTime(order.updatedAt),
  };
}

/** An issue as search and GET render it: `fields` null = only the id (search's default). */
export function renderIssue(
  data: AccountDataset,
  index: number,
  apiBase: string,
  fields: readonly string[] | null,
): Record<string, unknown> {
  if (fields === null) return { id: issueId(index) };
  const all = issueFields(data, index, apiBase);
  const wanted = fields.some((f) => f === '*all' || f === '*navigable')
    ? all
    : Object.fromEntries(Object.entries(all).filter(([name]) => fields.includes(name)));
  return {
    id: issueId(index),
    key: issueKey(index),
    self: `${apiBase}/rest/api/3/issue/${issueId(index)}`,
    fields: wanted,
  };
}
