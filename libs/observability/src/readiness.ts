import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';

/** Terminus indicators for what every service depends on; each check is bounded so /health/ready answers fast. */
@Injectable()
export class ReadinessIndicators {
  constructor(private readonly health: HealthIndicatorService) {}

  postgres(dataSource: DataSource, timeoutMs = 1_500) {
    return this.health
      .check('postgres')
      .attempt(async () => {
        await dataSource.query('SELECT 1');
      })
      .withTimeout(timeoutMs);
  }

  nats(probe: (timeoutMs: number) => Promise<void>, timeoutMs = 1_500) {
    return this.health
      .check('nats')
      .attempt(() => probe(timeoutMs))
      .withTimeout(timeoutMs + 100);
  }
}
