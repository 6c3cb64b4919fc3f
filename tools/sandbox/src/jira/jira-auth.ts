import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountDataset } from '../dataset/dataset.js';
import { cloudId } from '../generic/generic-oauth.routes.js';
import { bearerOf, noteAccount, noteAuth, type SandboxState } from '../sandbox-context.js';

/** An authenticated Jira call: the site's data and the API base its `self` links use. */
export interface JiraContext {
  readonly site: string;
  readonly data: AccountDataset;
  readonly apiBase: string;
}

type Handler = (ctx: JiraContext, request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

/** Jira's 429 headers (developer.atlassian.com "Rate limiting"): Retry-After plus the X-RateLimit-* set. */
export function jiraRateHeaders(until: number, now: number, limit: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil((until - now) / 1000))),
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': new Date(until).toISOString(),
    'ratelimit-reason': 'jira-burst-based',
  };
}

export const jiraError = (messages: string[], errors: Record<string, string> = {}): object => ({
  errorMessages: messages,
  errors,
});

/** Bearer from the 3LO token endpoint, for the site the URL's cloudId names; then the site's burst window. */
export function jiraAuthed(state: SandboxState, handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const token = bearerOf(request);
    noteAuth(request, 'bearer', token);
    const family = token ? state.tokens.peek(token) : undefined;
    const auth = token && family ? state.tokens.authenticate(family.provider, token) : undefined;
    const wanted = (request.params as { cloudId: string }).cloudId;
    if (!auth?.ok || !['atlassian', 'oauth2'].includes(auth.family.provider) || cloudId(auth.family.account) !== wanted)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="api.atlassian.com"')
        .send({ code: 401, message: 'Unauthorized' });
    const site = auth.family.account;
    noteAccount(request, site);
    const account = state.registry.ensureAccount('atlassian', site);
    const now = state.now();
    const window = account.limiter.take(now);
    if (!window.ok) {
      if (request.facts) request.facts.retryAfterUntil = window.resetAt;
      return reply
        .code(429)
        .headers(jiraRateHeaders(window.resetAt, now, window.limit))
        .send(jiraError(['Rate limit exceeded.']));
    }
    if (window.remaining < window.limit * 0.2) void reply.header('x-ratelimit-nearlimit', 'true');
    const apiBase = `${request.protocol}://${request.headers.host ?? 'localhost'}/atlassian/ex/jira/${wanted}`;
    return handler({ site, data: state.registry.dataset(account), apiBase }, request, reply);
  };
}
