import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connections carry their provider account (Square merchant id, Shopify shop domain), indexed: app-level webhooks are
 * routed by it. A nullable column (no table rewrite), filled from the metadata the connections already hold; the
 * fields are the catalog's `webhook.accountKey.metadataField` of the two providers that declare one today.
 */
export class ConnectionAccountKey1766100000000 implements MigrationInterface {
  name = 'ConnectionAccountKey1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "auth"."connections" ADD "account_key" text`);
    await queryRunner.query(
      `UPDATE "auth"."connections" SET "account_key" = nullif(btrim(CASE "provider"
         WHEN 'square' THEN "metadata"->>'merchantId' WHEN 'shopify' THEN "metadata"->>'shop' END), '')
       WHERE "provider" IN ('square', 'shopify')`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_connections_account" ON "auth"."connections" ("provider", "account_key")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "auth"."IDX_connections_account"`);
    await queryRunner.query(`ALTER TABLE "auth"."connections" DROP COLUMN "account_key"`);
  }
}
