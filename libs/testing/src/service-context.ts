import 'reflect-metadata';
import type { INestApplicationContext, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class ServicesUnderTest {}

/**
 * A Nest context of exactly `providers` (no app module), started: service-level tests wire the real classes they test
 * with values for config, clock, data source and NATS client.
 */
export function startServiceContext(providers: Provider[]): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext({ module: ServicesUnderTest, providers }, { logger: ['error', 'warn'] });
}
