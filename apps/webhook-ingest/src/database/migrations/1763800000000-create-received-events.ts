import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Received webhook events (the dedup key is unique per provider and connection) and their dead letters. */
export class CreateReceivedEvents1763800000000 implements MigrationInterface {
  name = 'CreateReceivedEvents1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "webhook"."received_events" (
      "id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "provider" text NOT NULL,
      "connection_id" text NOT NULL,
      "dedup_key" text NOT NULL,
      "provider_event_id" text,
      "event_type" text NOT NULL,
      "headers" jsonb NOT NULL,
      "raw_body" bytea NOT NULL,
      "status" text NOT NULL DEFAULT 'received',
      "attempts" integer NOT NULL DEFAULT 0,
      "generation" integer NOT NULL DEFAULT 0,
      "last_error" text,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "published_at" TIMESTAMP WITH TIME ZONE,
      "processed_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "UQ_received_events_dedup" UNIQUE ("provider", "connection_id", "dedup_key"),
      CONSTRAINT "PK_received_events" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE INDEX "IDX_received_events_tenant" ON "webhook"."received_events" ("tenant_id", "connection_id", "received_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_received_events_status" ON "webhook"."received_events" ("status", "received_at")`,
    );
    await queryRunner.query(`CREATE TABLE "webhook"."dead_letters" (
      "event_id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "attempts" integer NOT NULL,
      "last_error" text NOT NULL,
      "dead_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_dead_letters" PRIMARY KEY ("event_id"))`);
    await queryRunner.query(
      `CREATE INDEX "IDX_dead_letters_tenant" ON "webhook"."dead_letters" ("tenant_id", "dead_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook"."dead_letters"`);
    await queryRunner.query(`DROP TABLE "webhook"."received_events"`);
  }
}
