import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator alerts: one row per (kind, key) with its announced state and a held resolution (no flapping), and the
 * delivery outbox: one row per announcement and target, written in the transaction that announced it, so a crash never
 * loses a delivery; attempts are counted on the row.
 */
export class CreateAlerts1766800000000 implements MigrationInterface {
  name = 'CreateAlerts1766800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."alerts" (
      "kind" text NOT NULL,
      "key" text NOT NULL,
      "state" text NOT NULL,
      "tenant_id" text,
      "connection_id" text,
      "provider" text,
      "last_cause" text NOT NULL,
      "count" integer NOT NULL,
      "firing_since" TIMESTAMP WITH TIME ZONE NOT NULL,
      "last_fired_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "resolving_since" TIMESTAMP WITH TIME ZONE,
      "resolved_at" TIMESTAMP WITH TIME ZONE,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_alerts" PRIMARY KEY ("kind", "key"),
      CONSTRAINT "CHK_alerts_state" CHECK ("state" IN ('firing', 'resolved'))
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_alerts_tenant_updated" ON "sync"."alerts" ("tenant_id", "updated_at")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_alerts_resolving" ON "sync"."alerts" ("resolving_since") WHERE "resolving_since" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE TABLE "sync"."alert_deliveries" (
      "id" uuid PRIMARY KEY,
      "target" text NOT NULL,
      "kind" text NOT NULL,
      "key" text NOT NULL,
      "state" text NOT NULL,
      "payload" jsonb NOT NULL,
      "status" text NOT NULL DEFAULT 'pending',
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_error" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "delivered_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "CHK_alert_deliveries_status" CHECK ("status" IN ('pending', 'delivered', 'failed'))
    )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_alert_deliveries_due" ON "sync"."alert_deliveries" ("next_attempt_at") WHERE "status" = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync"."alert_deliveries"`);
    await queryRunner.query(`DROP TABLE "sync"."alerts"`);
  }
}
