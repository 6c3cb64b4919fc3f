import { createParamDecorator, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { HttpApiError } from '@shelflink/observability';
import type { AdminPrincipal } from './api-key.strategy.js';

/** Admin routes: `Authorization: Bearer <api key>`; a missing or bad key is 401 UNAUTHENTICATED. */
@Injectable()
export class AdminAuthGuard extends AuthGuard('api-key') {
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
