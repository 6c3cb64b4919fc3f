import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log is read per connection newest first by id (the admin API) and pruned by age: an index for each,
 * instead of the (connection_id, created_at) one that served neither exactly.
 */
export class AuditLogRetention1765100000000 implements MigrationInterface {
  name = 'AuditLogRetention1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "auth"."IDX_audit_log_connection"`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_connection" ON "auth"."audit_log" ("connection_id", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_created" ON "auth"."audit_log" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "auth"."IDX_audit_log_created"`);
    await queryRunner.query(`DROP INDEX "auth"."IDX_audit_log_connection"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_connection" ON "auth"."audit_log" ("connection_id", "created_at")`,
    );
  }
}
