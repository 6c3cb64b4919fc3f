import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { ProductsController } from './products.controller.js';

@Module({ imports: [AdminAuthModule], controllers: [ProductsController] })
export class ProductsModule {}
