import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An admin can pause a stream's schedule: the due check skips it and it never counts as stale. */
export class SchedulePause1765300000000 implements MigrationInterface {
  name = 'SchedulePause1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync"."schedules" ADD "paused" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync"."schedules" DROP COLUMN "paused"`);
  }
}
