import { callLogRefusalDownSql, callLogRefusalSql } from '@shelflink/observability';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The call log holds attempts Shelflink refused to send (open breaker, rate budget): status null, and why. */
export class ProviderCallRefusals1768002000000 implements MigrationInterface {
  name = 'ProviderCallRefusals1768002000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of callLogRefusalSql('sync')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of callLogRefusalDownSql('sync')) await queryRunner.query(statement);
  }
}
