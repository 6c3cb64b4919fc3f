import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Consumer services (`npx shelflink services add`): their grants and NATS password hash. */
export class ConsumerServices1766300000000 implements MigrationInterface {
  name = 'ConsumerServices1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "auth"."consumer_services" (
      "name" text NOT NULL,
      "tenants" text array NOT NULL,
      "providers" text array NOT NULL,
      "connections" text array NOT NULL,
      "password_hash" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_consumer_services" PRIMARY KEY ("name"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth"."consumer_services"`);
  }
}
