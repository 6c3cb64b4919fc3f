import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../oauth/pkce.js';
import { field } from '../oauth/redirect.js';
import { bearerOf, noteAccount, noteAuth, type SandboxState } from '../sandbox-context.js';
import type { PlytixContext } from './plytix-render.js';

const DEFAULT_TTL_S = 900;
export const plytixError = (msg: string): object => ({ error: { msg } });

/** Sessions issued by get-token: JWT → API key and expiry. */
export class PlytixSessions {
  private readonly signingKey = randomBytes(32);
  private readonly sessions = new Map<string, { apiKey: string; exp: number }>();

  constructor(private readonly state: SandboxState) {}

  apiKeyOf(token: string | undefined): string | undefined {
    return token ? this.sessions.get(token)?.apiKey : undefined;
  }

  /** key + password → a JWT that lasts the account's (or app's) `accessTokenTtlSeconds`, default 15 minutes. */
  getToken(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const apiKey = field(request.body, 'api_key') ?? '';
    const password = field(request.body, 'api_password');
    noteAuth(request, 'api-key', password);
    const app = this.state.registry.app('plytix', apiKey);
    if (!app || !password || !safeEqual(password, app.clientSecret))
      return reply.code(401).send({
        error: {
          msg: 'Bad api_key or api_password: authentication failed',
          errors: [{ field: 'http_status_code', msg: 401 }],
        },
      });
    const account = this.state.registry.ensureAccount('plytix', apiKey);
    const ttl = account.config.accessTokenTtlSeconds ?? app.accessTokenTtlSeconds ?? DEFAULT_TTL_S;
    const iat = Math.floor(this.state.now() / 1000);
    const { requests, seconds, hourly } = account.limiter.config;
    const jwt = this.sign({
      sub: apiKey,
      account_id: apiKey,
      iat,
      exp: iat + ttl,
      rate_limits: { requests, seconds, ...(hourly ? { hourly } : {}) },
    });
    this.sessions.set(jwt, { apiKey, exp: (iat + ttl) * 1000 });
    return reply.send({ data: [{ access_token: jwt, refresh_token: randomBytes(16).toString('hex') }] });
  }

  /** Bearer check, then the account's request window (20 per 10 s and 2,000 per hour on the free plan). */
  authed(handler: (ctx: PlytixContext, request: FastifyRequest, reply: FastifyReply) => FastifyReply) {
    return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const token = bearerOf(request);
      noteAuth(request, 'bearer', token);
      const session = token ? this.sessions.get(token) : undefined;
      const now = this.state.now();
      if (!session || session.exp <= now) return reply.code(401).send(plytixError('Token expired or invalid'));
      noteAccount(request, session.apiKey);
      const account = this.state.registry.ensureAccount('plytix', session.apiKey);
      const window = account.limiter.take(now);
      if (!window.ok) {
        if (request.facts) request.facts.retryAfterUntil = window.resetAt;
        const seconds = String(Math.max(1, Math.ceil((window.resetAt - now) / 1000)));
        return reply.code(429).header('retry-after', seconds).send(plytixError('Too many requests'));
      }
      const ctx = {
        tag: account.tag,
        data: this.state.registry.dataset(account),
        seed: this.state.registry.options.seed,
      };
      return handler(ctx, request, reply);
    };
  }

  private sign(payload: object): string {
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${head}.${body}.${createHmac('sha256', this.signingKey).update(`${head}.${body}`).digest('base64url')}`;
  }
}
