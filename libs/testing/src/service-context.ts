import 'reflect-metadata';
import type { DynamicModule, INestApplicationContext, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class ServicesUnderTest {}

/**
 * A Nest context of exactly `providers` (no app module), started: service-level tests wire the real classes they test
 * with values for config, clock, data source and NATS client, or `imports` that provide them (a TypeORM root).
 */
export function startServiceContext(
  providers: Provider[],
  imports: DynamicModule[] = [],
): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    { module: ServicesUnderTest, imports, providers },
    { logger: ['error', 'warn'] },
  );
}
