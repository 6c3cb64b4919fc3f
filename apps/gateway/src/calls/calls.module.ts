import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { CallsController } from './calls.controller.js';
import { CallsService } from './calls.service.js';

/** `GET /api/v1/calls`: the outbound call log of auth-service and sync-service, merged. */
@Module({ imports: [AdminAuthModule], controllers: [CallsController], providers: [CallsService] })
export class CallsModule {}
