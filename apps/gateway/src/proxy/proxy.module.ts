import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { ProxyController } from './proxy.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [ProxyController] })
export class ProxyModule {}
