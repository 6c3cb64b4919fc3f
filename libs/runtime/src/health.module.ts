import { Controller, Get, Inject, Module, Optional, type DynamicModule } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthIndicatorFunction } from '@nestjs/terminus';
import { NatsClient } from '@shelflink/messaging';
import { ReadinessIndicators } from '@shelflink/observability';
import { DataSource } from 'typeorm';

/** Extra readiness checks a service contributes (the gateway adds one per downstream service). */
export const EXTRA_READINESS_CHECKS = Symbol('EXTRA_READINESS_CHECKS');

@ApiTags('health')
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: ReadinessIndicators,
    private readonly nats: NatsClient,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() @Inject(EXTRA_READINESS_CHECKS) private readonly extraChecks?: HealthIndicatorFunction[],
  ) {}

  /** Liveness: the process answers; it never depends on Postgres or NATS. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: Postgres (where the service owns a schema) and NATS answer within a bound; 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks: HealthIndicatorFunction[] = [() => this.indicators.nats((ms) => this.nats.probe(ms))];
    const dataSource = this.dataSource;
    if (dataSource) checks.push(() => this.indicators.postgres(dataSource));
    return this.health.check([...checks, ...(this.extraChecks ?? [])]);
  }
}

@Module({})
export class HealthModule {
  /** `/health/live` and `/health/ready`; `extraChecks` provides EXTRA_READINESS_CHECKS when given. */
  static register(
    options: { imports?: DynamicModule['imports']; extraChecks?: DynamicModule['providers'] } = {},
  ): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [ReadinessIndicators, ...(options.extraChecks ?? [])],
    };
  }
}
