import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { ConnectionsController } from './connections.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [ConnectionsController] })
export class ConnectionsModule {}
