import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record feed's outbox: one row per record change, written in the transaction that made it, deleted once JetStream
 * acknowledged its envelope. The row names the change (envelope id, record); the record's row holds the data, so a
 * page writes ~60 bytes per change here rather than the record twice. `seq` keeps them in commit order for the scans.
 */
export class RecordFeedOutbox1766400000000 implements MigrationInterface {
  name = 'RecordFeedOutbox1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."record_feed_outbox" (
      "id" uuid PRIMARY KEY,
      "seq" bigserial NOT NULL,
      "tenant_id" text NOT NULL,
      "entity" text NOT NULL,
      "record_id" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync"."record_feed_outbox"`);
  }
}
