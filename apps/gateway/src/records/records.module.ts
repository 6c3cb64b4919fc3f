import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { RecordsController } from './records.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [RecordsController] })
export class RecordsModule {}
