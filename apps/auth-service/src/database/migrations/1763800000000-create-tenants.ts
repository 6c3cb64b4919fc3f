import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenants1763800000000 implements MigrationInterface {
  name = 'CreateTenants1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "auth"."tenants" (
      "id" text NOT NULL,
      "name" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_tenants" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth"."tenants"`);
  }
}
