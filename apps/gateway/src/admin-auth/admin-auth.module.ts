import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeyStrategy } from './api-key.strategy.js';

/** Import it in any gateway module whose controllers use `@UseGuards(AdminAuthGuard)`. */
@Module({
  imports: [PassportModule],
  providers: [ApiKeyStrategy],
})
export class AdminAuthModule {}
