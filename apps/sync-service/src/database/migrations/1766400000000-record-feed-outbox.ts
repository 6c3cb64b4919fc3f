import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record feed's outbox: envelopes written in the transaction that changed the records, deleted once JetStream
 * acknowledged them. `seq` keeps them in commit order for the relay's scans.
 */
export class RecordFeedOutbox1766400000000 implements MigrationInterface {
  name = 'RecordFeedOutbox1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."record_feed_outbox" (
      "id" uuid PRIMARY KEY,
      "seq" bigserial NOT NULL,
      "subject" text NOT NULL,
      "body" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync"."record_feed_outbox"`);
  }
}
