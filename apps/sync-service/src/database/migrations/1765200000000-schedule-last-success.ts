import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules remember when their stream last synced successfully (and when they were created, for streams that never
 * did), so staleness is one scan of the schedules instead of a search through every run.
 */
export class ScheduleLastSuccess1765200000000 implements MigrationInterface {
  name = 'ScheduleLastSuccess1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync"."schedules"
      ADD "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      ADD "last_succeeded_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "sync"."schedules" s SET "last_succeeded_at" = r."last"
      FROM (SELECT "connection_id", "stream", max("finished_at") AS "last" FROM "sync"."runs"
            WHERE "status" = 'succeeded' GROUP BY "connection_id", "stream") r
      WHERE s."connection_id" = r."connection_id" AND s."stream" = r."stream"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync"."schedules" DROP COLUMN "last_succeeded_at", DROP COLUMN "created_at"`);
  }
}
