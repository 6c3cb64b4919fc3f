import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rateLimitTableSql } from '@shelflink/resilience';

const canonicalColumns = `
      "id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "connection_id" text NOT NULL,
      "provider" text NOT NULL,
      "external_id" text NOT NULL,
      "source_version" bigint NOT NULL,
      "source_updated_at" TIMESTAMP WITH TIME ZONE,
      "deleted_at" TIMESTAMP WITH TIME ZONE,
      "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "data" jsonb NOT NULL,`;

// Every canonical table: one row per (connection, external id); `source_version` orders updates.
function canonicalTable(name: string, extra: string): string {
  return `CREATE TABLE "sync"."${name}" (${canonicalColumns}${extra}
      CONSTRAINT "PK_${name}" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_${name}_source" UNIQUE ("connection_id", "external_id"))`;
}

export class CreateSyncSchema1763800000000 implements MigrationInterface {
  name = 'CreateSyncSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."schedules" (
      "connection_id" text NOT NULL,
      "stream" text NOT NULL,
      "tenant_id" text NOT NULL,
      "interval_seconds" integer NOT NULL,
      "next_run_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_schedules" PRIMARY KEY ("connection_id", "stream"))`);
    await queryRunner.query(`CREATE INDEX "IDX_schedules_due" ON "sync"."schedules" ("next_run_at")`);
    await queryRunner.query(`CREATE TABLE "sync"."runs" (
      "id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "connection_id" text NOT NULL,
      "stream" text NOT NULL,
      "mode" text NOT NULL,
      "trigger" text NOT NULL,
      "status" text NOT NULL,
      "pages" integer NOT NULL,
      "records" integer NOT NULL,
      "changed" integer NOT NULL,
      "attempts" integer NOT NULL,
      "error_code" text,
      "error_message" text,
      "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE,
      "finished_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_runs" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_runs_tenant_queued" ON "sync"."runs" ("tenant_id", "queued_at")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_runs_active" ON "sync"."runs" ("connection_id", "stream") WHERE status IN ('queued', 'running')`,
    );
    await queryRunner.query(`CREATE TABLE "sync"."stream_leases" (
      "connection_id" text NOT NULL,
      "stream" text NOT NULL,
      "run_id" uuid NOT NULL,
      "holder" text NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_stream_leases" PRIMARY KEY ("connection_id", "stream"))`);
    await queryRunner.query(`CREATE TABLE "sync"."checkpoints" (
      "connection_id" text NOT NULL,
      "stream" text NOT NULL,
      "partition" text NOT NULL,
      "tenant_id" text NOT NULL,
      "watermark" text,
      "cursor" text,
      "chain_watermark" text,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_checkpoints" PRIMARY KEY ("connection_id", "stream", "partition"))`);
    await queryRunner.query(canonicalTable('locations', `\n      "name" text,`));
    await queryRunner.query(canonicalTable('products', `\n      "title" text,`));
    await queryRunner.query(
      canonicalTable(
        'inventory_levels',
        `\n      "item_external_id" text NOT NULL,\n      "location_external_id" text NOT NULL,\n      "quantity" text NOT NULL,`,
      ),
    );
    await queryRunner.query(
      canonicalTable(
        'orders',
        `\n      "location_external_id" text,\n      "state" text,\n      "currency" text,\n      "total_minor" bigint,`,
      ),
    );
    for (const table of ['locations', 'products', 'inventory_levels', 'orders']) {
      await queryRunner.query(`CREATE INDEX "IDX_${table}_tenant" ON "sync"."${table}" ("tenant_id", "id")`);
    }
    await queryRunner.query(rateLimitTableSql('sync.rate_limit_buckets'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'rate_limit_buckets',
      'orders',
      'inventory_levels',
      'products',
      'locations',
      'checkpoints',
      'stream_leases',
      'runs',
      'schedules',
    ]) {
      await queryRunner.query(`DROP TABLE "sync"."${table}"`);
    }
  }
}
