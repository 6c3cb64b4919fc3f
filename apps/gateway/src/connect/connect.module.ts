import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { ConnectController } from './connect.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [ConnectController] })
export class ConnectModule {}
