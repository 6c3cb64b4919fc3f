import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The hosted Connect page: single-use links (stored as hashes), the tenant's allowed return URLs, and the return URL
 * an OAuth flow goes back to. */
export class ConnectPages1766500000000 implements MigrationInterface {
  name = 'ConnectPages1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "auth"."tenants" ADD "connect_return_urls" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "auth"."oauth_states" ADD "return_url" text`);
    await queryRunner.query(`CREATE TABLE "auth"."connect_pages" (
      "id" text NOT NULL,
      "tenant_id" text NOT NULL,
      "alias" text NOT NULL,
      "allowed_providers" jsonb,
      "return_url" text,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "consumed_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_connect_pages" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth"."connect_pages"`);
    await queryRunner.query(`ALTER TABLE "auth"."oauth_states" DROP COLUMN "return_url"`);
    await queryRunner.query(`ALTER TABLE "auth"."tenants" DROP COLUMN "connect_return_urls"`);
  }
}
