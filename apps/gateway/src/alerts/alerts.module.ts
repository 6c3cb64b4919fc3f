import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { AlertsController } from './alerts.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [AlertsController] })
export class AlertsModule {}
