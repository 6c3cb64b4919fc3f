import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Authentic app-level deliveries no connection matched, deduplicated per provider account and delivery id. */
export class CreateUnroutableEvents1766100000000 implements MigrationInterface {
  name = 'CreateUnroutableEvents1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "webhook"."unroutable_events" (
      "id" uuid NOT NULL,
      "provider" text NOT NULL,
      "account_key" text NOT NULL,
      "dedup_key" text NOT NULL,
      "provider_event_id" text,
      "event_type" text NOT NULL,
      "headers" jsonb NOT NULL,
      "raw_body" bytea NOT NULL,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "replayed_tenant_id" text,
      "replayed_connection_id" text,
      "replayed_event_id" uuid,
      CONSTRAINT "UQ_unroutable_events_dedup" UNIQUE ("provider", "account_key", "dedup_key"),
      CONSTRAINT "PK_unroutable_events" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE INDEX "IDX_unroutable_events_received" ON "webhook"."unroutable_events" ("received_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook"."unroutable_events"`);
  }
}
