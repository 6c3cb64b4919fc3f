import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { SessionCookies } from './session-cookies.service.js';
import { SessionController } from './session.controller.js';

/** Import it in any gateway module whose controllers use `@UseGuards(AdminAuthGuard)`. */
@Module({
  imports: [PassportModule],
  controllers: [SessionController],
  providers: [ApiKeyStrategy, SessionCookies],
  exports: [ApiKeyStrategy, SessionCookies],
})
export class AdminAuthModule {}
