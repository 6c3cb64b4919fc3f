import { callLogTableSql } from '@shelflink/observability';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbound call log: one row per provider request; no entity, written in batches by `CallLogStore`. */
export class ProviderCalls1766700000000 implements MigrationInterface {
  name = 'ProviderCalls1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of callLogTableSql('auth')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth"."provider_calls"`);
  }
}
