import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSchedules1763800000000 implements MigrationInterface {
  name = 'CreateSchedules1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."schedules" (
      "connection_id" text NOT NULL,
      "stream" text NOT NULL,
      "tenant_id" text NOT NULL,
      "interval_seconds" integer NOT NULL,
      "next_run_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_schedules" PRIMARY KEY ("connection_id", "stream"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync"."schedules"`);
  }
}
