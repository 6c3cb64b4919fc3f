import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-connection webhook subscriptions Shelflink registers (Shopify per shop): the outcome of the last sync and when
 * the reconcile job checks again (it adopts existing connections that have no row yet).
 */
export class WebhookRegistrations1766200000000 implements MigrationInterface {
  name = 'WebhookRegistrations1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "auth"."webhook_registrations" (
      "connection_id" text NOT NULL,
      "tenant_id" text NOT NULL,
      "provider" text NOT NULL,
      "state" text NOT NULL,
      "topics" jsonb NOT NULL DEFAULT '[]',
      "last_error" text,
      "attempts" integer NOT NULL DEFAULT 0,
      "synced_at" TIMESTAMP WITH TIME ZONE,
      "next_check_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_webhook_registrations" PRIMARY KEY ("connection_id"),
      CONSTRAINT "CHK_webhook_registrations_state" CHECK ("state" IN ('pending', 'synced', 'failed')))`);
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_registrations_due" ON "auth"."webhook_registrations" ("next_check_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth"."webhook_registrations"`);
  }
}
