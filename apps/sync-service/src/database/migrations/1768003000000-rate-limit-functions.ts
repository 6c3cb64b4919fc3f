import { rateLimitFunctionsDownSql, rateLimitFunctionsSql } from '@shelflink/resilience';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The shared budget's take and adjust become functions, so Postgres plans them once per connection, not per call. */
export class RateLimitFunctions1768003000000 implements MigrationInterface {
  name = 'RateLimitFunctions1768003000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of rateLimitFunctionsSql('sync.rate_limit_buckets')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of rateLimitFunctionsDownSql('sync.rate_limit_buckets')) await queryRunner.query(statement);
  }
}
