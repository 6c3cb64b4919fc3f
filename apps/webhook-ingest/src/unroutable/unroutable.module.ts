import { Module } from '@nestjs/common';
import { UnroutableEventRepository } from './unroutable-event.repository.js';

/** Authentic app-level deliveries that matched no connection. */
@Module({ providers: [UnroutableEventRepository], exports: [UnroutableEventRepository] })
export class UnroutableModule {}
