import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { SyncsController } from './syncs.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [SyncsController] })
export class SyncsModule {}
