import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The feed's outbox keeps one row per upsert batch (up to 250 changes) instead of one per change: a row per change
 * cost Postgres ~10 µs of CPU per record (index entries, a delete each), a third of the upsert's own. Rows waiting
 * at the upgrade become batches of one change, under their envelope id.
 */
export class RecordFeedOutboxBatches1766900000000 implements MigrationInterface {
  name = 'RecordFeedOutboxBatches1766900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sync"."record_feed_outbox" ADD COLUMN "record_ids" uuid[], ADD COLUMN "envelope_ids" uuid[]`,
    );
    await queryRunner.query(
      `UPDATE "sync"."record_feed_outbox" SET "record_ids" = ARRAY["record_id"], "envelope_ids" = ARRAY["id"]`,
    );
    await queryRunner.query(`ALTER TABLE "sync"."record_feed_outbox"
      ALTER COLUMN "record_ids" SET NOT NULL, ALTER COLUMN "envelope_ids" SET NOT NULL, DROP COLUMN "record_id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TEMPORARY TABLE "record_feed_outbox_changes" AS
      SELECT c."envelope_id" AS "id", o."seq", o."tenant_id", o."entity", c."record_id", o."created_at"
      FROM "sync"."record_feed_outbox" o, unnest(o."envelope_ids", o."record_ids") AS c("envelope_id", "record_id")`);
    await queryRunner.query(`DELETE FROM "sync"."record_feed_outbox"`);
    await queryRunner.query(`ALTER TABLE "sync"."record_feed_outbox"
      DROP COLUMN "record_ids", DROP COLUMN "envelope_ids", ADD COLUMN "record_id" uuid NOT NULL`);
    await queryRunner.query(`INSERT INTO "sync"."record_feed_outbox" ("id", "tenant_id", "entity", "record_id", "created_at")
      SELECT "id", "tenant_id", "entity", "record_id", "created_at" FROM "record_feed_outbox_changes" ORDER BY "seq"`);
    await queryRunner.query(`DROP TABLE "record_feed_outbox_changes"`);
  }
}
