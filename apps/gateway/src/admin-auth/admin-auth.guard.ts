import { createParamDecorator, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { HttpApiError } from '@shelflink/observability';
import { Clock } from '@shelflink/runtime';
import type { FastifyRequest } from 'fastify';
import { ApiKeyStrategy, type AdminPrincipal } from './api-key.strategy.js';
import { SessionCookies } from './session-cookies.service.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admin routes: `Authorization: Bearer <api key>`, or the console's session cookie (its sealed key is verified the same
 * way, and mutations must carry the CSRF token). A missing or bad key or session is 401 UNAUTHENTICATED.
 */
@Injectable()
export class AdminAuthGuard extends AuthGuard('api-key') {
  constructor(
    private readonly sessions: SessionCookies,
    private readonly apiKeys: ApiKeyStrategy,
    private readonly clock: Clock,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AdminPrincipal }>();
    if (request.headers.authorization !== undefined) return (await super.canActivate(context)) as boolean;
    const session = this.sessions.open(request, this.clock.now());
    if (!session) throw new HttpApiError(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <api key> or sign in');
    if (!safeMethods.has(request.method)) this.sessions.checkCsrf(request, session);
    request.user = await this.apiKeys.validate(session.apiKey);
    return true;
  }

  override handleRequest<TUser = AdminPrincipal>(error: unknown, user: TUser | false): TUser {
    if (error instanceof Error) throw error;
    if (!user) throw new HttpApiError(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <api key>');
    return user;
  }
}

/** The authenticated admin's tenant; every admin route scopes its work by it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): AdminPrincipal => {
  const request = context.switchToHttp().getRequest<{ user?: AdminPrincipal }>();
  if (!request.user) throw new HttpApiError(401, 'UNAUTHENTICATED', 'Not authenticated');
  return request.user;
});
