import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReceivedEvents1763800000000 implements MigrationInterface {
  name = 'CreateReceivedEvents1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "webhook"."received_events" (
      "id" uuid NOT NULL,
      "provider" text NOT NULL,
      "connection_id" text NOT NULL,
      "dedup_key" text NOT NULL,
      "raw_body" bytea NOT NULL,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_received_events_dedup" UNIQUE ("provider", "connection_id", "dedup_key"),
      CONSTRAINT "PK_received_events" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook"."received_events"`);
  }
}
