import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One product across systems: identities per tenant (at most one SKU each, unique per tenant), the GTINs they hold
 * (GTIN-14, each on one identity), and each product record's variants that carry a SKU or GTIN (the sources), kept
 * with their product record by the write path and the erasure (no foreign key: it would add a per-row check and a
 * key-share lock on the product to every batch). Conflicts are read from the sources, so they are never stale.
 */
export class ProductIdentities1767300000000 implements MigrationInterface {
  name = 'ProductIdentities1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync"."product_identities" (
      "tenant_id" text NOT NULL,
      "id" uuid NOT NULL,
      "sku" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_product_identities" PRIMARY KEY ("tenant_id", "id")
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_product_identities_sku" ON "sync"."product_identities" ("tenant_id", "sku") WHERE "sku" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE TABLE "sync"."product_identity_gtins" (
      "tenant_id" text NOT NULL,
      "gtin" text NOT NULL,
      "identity_id" uuid NOT NULL,
      CONSTRAINT "PK_product_identity_gtins" PRIMARY KEY ("tenant_id", "gtin")
    )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_product_identity_gtins_identity" ON "sync"."product_identity_gtins" ("tenant_id", "identity_id")`,
    );
    await queryRunner.query(`CREATE TABLE "sync"."product_identity_sources" (
      "tenant_id" text NOT NULL,
      "record_id" uuid NOT NULL,
      "variant_key" text NOT NULL,
      "identity_id" uuid NOT NULL,
      "provider" text NOT NULL,
      "connection_id" text NOT NULL,
      "product_external_id" text NOT NULL,
      "external_id" text NOT NULL,
      "sku" text,
      "gtin" text,
      CONSTRAINT "PK_product_identity_sources" PRIMARY KEY ("tenant_id", "record_id", "variant_key")
    )`);
    for (const column of ['identity_id', 'sku', 'gtin'])
      await queryRunner.query(
        `CREATE INDEX "IDX_product_identity_sources_${column}" ON "sync"."product_identity_sources" ("tenant_id", "${column}")`,
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync"."product_identity_sources"`);
    await queryRunner.query(`DROP TABLE "sync"."product_identity_gtins"`);
    await queryRunner.query(`DROP TABLE "sync"."product_identities"`);
  }
}
