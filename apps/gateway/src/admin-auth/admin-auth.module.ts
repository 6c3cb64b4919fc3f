import { Module } from '@nestjs/common';
import { ApiKeys } from './api-keys.service.js';
import { SessionCookies } from './session-cookies.service.js';
import { SessionController } from './session.controller.js';

/** Import it in any gateway module whose controllers use `@UseGuards(AdminAuthGuard)`. */
@Module({
  controllers: [SessionController],
  providers: [ApiKeys, SessionCookies],
  exports: [ApiKeys, SessionCookies],
})
export class AdminAuthModule {}
