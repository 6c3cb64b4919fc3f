import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Concurrency budgets (NetSuite's account limit): one row per slot of a provider account, held by one request of one
 * replica at a time; a holder that died frees its slot when `expires_at` passes.
 */
export class ProviderSlots1767200000000 implements MigrationInterface {
  name = 'ProviderSlots1767200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."provider_slots" (
      "key" text NOT NULL,
      "slot" integer NOT NULL,
      "holder" text,
      "expires_at" timestamptz,
      CONSTRAINT "PK_provider_slots" PRIMARY KEY ("key", "slot"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync"."provider_slots"`);
  }
}
