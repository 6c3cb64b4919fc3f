import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpApiError } from '@shelflink/observability';
import { Clock } from '@shelflink/runtime';
import type { FastifyRequest } from 'fastify';
import { ApiKeys, bearerKey, type AdminPrincipal } from './api-keys.service.js';
import { SessionCookies } from './session-cookies.service.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admin routes: `Authorization: Bearer <api key>`, or the console's session cookie (its sealed key is verified the same
 * way, and mutations must carry the CSRF token). A missing or bad key or session is 401 UNAUTHENTICATED.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionCookies,
    private readonly apiKeys: ApiKeys,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AdminPrincipal }>();
    request.user = await this.principalOf(request);
    return true;
  }

  private async principalOf(request: FastifyRequest): Promise<AdminPrincipal> {
    const header = request.headers.authorization;
    if (header !== undefined) return this.apiKeys.validate(bearerKey(header));
    const session = this.sessions.open(request, this.clock.now());
    if (!session) throw new HttpApiError(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <api key> or sign in');
    if (!safeMethods.has(request.method)) this.sessions.checkCsrf(request, session);
    return this.apiKeys.validate(session.apiKey);
  }
}

/** The authenticated admin's tenant; every admin route scopes its work by it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): AdminPrincipal => {
  const request = context.switchToHttp().getRequest<{ user?: AdminPrincipal }>();
  if (!request.user) throw new HttpApiError(401, 'UNAUTHENTICATED', 'Not authenticated');
  return request.user;
});
