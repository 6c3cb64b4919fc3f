import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { scan } from '../dataset/timeline.js';
import { applyFaults, noteAccount, routeConfig, type FaultShapes, type SandboxState } from '../sandbox-context.js';
import { decodeCursor, encodeCursor, cursorNumber } from '../util/cursor.js';
import { fingerprint } from '../util/ids.js';
import { jiraAuthed, jiraError, jiraRateHeaders, type JiraContext } from './jira-auth.js';
import { parseJql } from './jira-jql.js';
import { PROJECT, issueId, issueIndex, issueKey, rememberIssue, renderIssue } from './jira-render.js';

const cfg = routeConfig('atlassian');
const TOKEN_LIFETIME_MS = 7 * 86_400_000;
const ISSUE_TYPES = ['Task', 'Bug', 'Story'];

/** Jira Cloud REST v3 under `/atlassian/ex/jira/{cloudId}` (stands for https://api.atlassian.com/ex/jira/{cloudId}). */
export function jiraPlugin(state: SandboxState) {
  const shapes: FaultShapes = {
    server: () => jiraError(['Service unavailable.']),
    rateLimited: () => jiraError(['Rate limit exceeded.']),
    cursorExpired: () => ({ status: 400, body: jiraError(['The provided next page token is invalid or expired.']) }),
    rateLimitHeaders: (until) => {
      const { 'retry-after': _retry, ...rest } = jiraRateHeaders(until, state.now(), 100);
      return rest;
    },
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', async (request, reply) => {
      noteAccount(request, siteOfToken(state, request));
      if (await applyFaults(state, request, reply, shapes)) return reply;
    });
    app.get(
      '/rest/api/3/myself',
      cfg('jira.myself'),
      jiraAuthed(state, (ctx, _req, reply) => reply.send(myself(ctx))),
    );
    app.get(
      '/rest/api/3/search/jql',
      cfg('jira.search'),
      jiraAuthed(state, (ctx, request, reply) => search(state, ctx, request.query, reply)),
    );
    app.post(
      '/rest/api/3/search/jql',
      cfg('jira.search'),
      jiraAuthed(state, (ctx, request, reply) => search(state, ctx, request.body, reply)),
    );
    app.get(
      '/rest/api/3/issue/:issueIdOrKey',
      cfg('jira.issue.get'),
      jiraAuthed(state, (ctx, request, reply) => getIssue(ctx, request, reply)),
    );
    app.post(
      '/rest/api/3/issue',
      cfg('jira.issue.create'),
      jiraAuthed(state, (ctx, request, reply) => createIssue(state, ctx, request, reply)),
    );
    // The old search was removed in 2025 (410 Gone); a client still calling it should find out here.
    for (const method of ['GET', 'POST'] as const)
      app.route({
        method,
        url: '/rest/api/3/search',
        ...cfg('jira.search.removed'),
        handler: (_req, reply) =>
          reply
            .code(410)
            .send(jiraError(['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.'])),
      });
  };
}

function siteOfToken(state: SandboxState, request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)/i.exec(header)?.[1] : undefined;
  return token ? state.tokens.peek(token)?.account : undefined;
}

function myself(ctx: JiraContext): object {
  const accountId = `712020:${fingerprint(ctx.site)}`;
  return {
    self: `${ctx.apiBase}/rest/api/3/user?accountId=${accountId}`,
    accountId,
    accountType: 'atlassian',
    emailAddress: `admin@${ctx.site}.example.com`,
    displayName: `Sandbox admin of ${ctx.site}`,
    active: true,
    timeZone: 'UTC',
    locale: 'en_US',
  };
}

function listParam(value: unknown): string[] | null {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value !== '') return value.split(',').map((f) => f.trim());
  return null;
}

function search(state: SandboxState, ctx: JiraContext, input: unknown, reply: FastifyReply): FastifyReply {
  const params = (input ?? {}) as Record<string, unknown>;
  const jql = typeof params.jql === 'string' ? params.jql : '';
  const parsed = parseJql(ctx.data, jql);
  if (!parsed.ok) return reply.code(400).send(jiraError([parsed.message]));
  const fields = listParam(params.fields);
  const onlyIds = fields === null || (fields.length === 1 && fields[0] === 'id');
  // Documented as "may be lower than requested": 5,000 for ids alone, 100 with fields (sandbox choice).
  const asked = Number(params.maxResults ?? 50);
  if (!Number.isInteger(asked) || asked < 0)
    return reply.code(400).send(jiraError(['maxResults must be a non-negative integer.']));
  const limit = Math.min(asked, onlyIds ? 5000 : 100);
  const bound = fingerprint(`${jql}\n${(fields ?? []).join(',')}`);
  let after: { t: number; i: number } | undefined;
  if (typeof params.nextPageToken === 'string' && params.nextPageToken !== '') {
    const cursor = decodeCursor(params.nextPageToken);
    const t = cursor && cursorNumber(cursor, 't');
    const i = cursor && cursorNumber(cursor, 'i');
    const at = cursor && cursorNumber(cursor, 'at');
    if (
      !cursor ||
      cursor.q !== bound ||
      t === undefined ||
      i === undefined ||
      at === undefined ||
      state.now() - at > TOKEN_LIFETIME_MS
    )
      return reply.code(400).send(jiraError(['The provided next page token is invalid or expired.']));
    after = { t, i };
  }
  const { query } = parsed;
  const view = query.orderBy === 'updated' ? ctx.data.orderTimeline.view() : ctx.data.orderCreatedView();
  const page = scan({ view, descending: query.descending, after, accept: query.accept, limit });
  const issues = page.indices.map((i) => renderIssue(ctx.data, i, ctx.apiBase, onlyIds ? null : fields));
  // nextPageToken is omitted (not null) on the last page, as Jira does (JRACLOUD-92184).
  const next =
    page.hasMore && page.last ? encodeCursor({ q: bound, t: page.last.t, i: page.last.i, at: state.now() }) : undefined;
  return reply.send({ issues, ...(next ? { nextPageToken: next } : {}), isLast: next === undefined });
}

function getIssue(ctx: JiraContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const index = issueIndex(ctx.data, (request.params as { issueIdOrKey: string }).issueIdOrKey);
  if (index === undefined)
    return reply.code(404).send(jiraError(['Issue does not exist or you do not have permission to see it.']));
  const fields = listParam((request.query as Record<string, unknown>).fields) ?? ['*all'];
  return reply.send(renderIssue(ctx.data, index, ctx.apiBase, fields));
}

function createIssue(
  state: SandboxState,
  ctx: JiraContext,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const fields = ((request.body ?? {}) as { fields?: Record<string, unknown> }).fields ?? {};
  const project = (fields.project ?? {}) as Record<string, unknown>;
  const type = (fields.issuetype ?? {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  if (project.key !== PROJECT.key && project.id !== PROJECT.id) errors.project = 'valid project is required';
  if (typeof fields.summary !== 'string' || fields.summary.trim() === '')
    errors.summary = 'You must specify a summary of the issue.';
  const typeName = ISSUE_TYPES.find((t) => t === type.name || t === type.id);
  if (!typeName) errors.issuetype = 'Specify a valid issue type';
  if (Object.keys(errors).length > 0) return reply.code(400).send(jiraError([], errors));
  const index = ctx.data.addOrder(state.now(), 0);
  rememberIssue(ctx.data, index, {
    summary: String(fields.summary),
    issuetype: typeName ?? 'Task',
    description: fields.description ?? null,
    labels: Array.isArray(fields.labels) ? fields.labels.map(String) : [],
  });
  if (request.facts) request.facts.created = issueKey(index);
  return reply
    .code(201)
    .send({ id: issueId(index), key: issueKey(index), self: `${ctx.apiBase}/rest/api/3/issue/${issueId(index)}` });
}
