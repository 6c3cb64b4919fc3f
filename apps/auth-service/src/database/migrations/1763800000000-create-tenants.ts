import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema `auth`: tenants, hashed admin keys, connections, sealed credentials (fenced refresh), OAuth states, audit. */
export class CreateTenants1763800000000 implements MigrationInterface {
  name = 'CreateTenants1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "auth"."tenants" (
      "id" text NOT NULL,
      "name" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_tenants" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "auth"."api_keys" (
      "id" text NOT NULL,
      "tenant_id" text NOT NULL,
      "prefix_id" text NOT NULL,
      "hash" text NOT NULL,
      "name" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_api_keys_prefix_id" UNIQUE ("prefix_id"))`);
    await queryRunner.query(`CREATE TABLE "auth"."connections" (
      "id" text NOT NULL,
      "tenant_id" text NOT NULL,
      "provider" text NOT NULL,
      "alias" text NOT NULL,
      "status" text NOT NULL,
      "auth_mode" text NOT NULL,
      "metadata" jsonb NOT NULL DEFAULT '{}',
      "credential_version" integer NOT NULL DEFAULT 0,
      "status_reason" text,
      "last_refreshed_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_connections" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_connections_tenant_provider_alias" UNIQUE ("tenant_id", "provider", "alias"),
      CONSTRAINT "CHK_connections_status" CHECK ("status" IN ('active', 'needs_reauth', 'revoked', 'error')))`);
    await queryRunner.query(`CREATE TABLE "auth"."credentials" (
      "connection_id" text NOT NULL,
      "tenant_id" text NOT NULL,
      "version" integer NOT NULL,
      "key_id" text NOT NULL,
      "secrets" jsonb NOT NULL,
      "token_type" text NOT NULL DEFAULT 'bearer',
      "access_expires_at" TIMESTAMP WITH TIME ZONE,
      "refresh_expires_at" TIMESTAMP WITH TIME ZONE,
      "lease_owner" text,
      "lease_until" TIMESTAMP WITH TIME ZONE,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_credentials" PRIMARY KEY ("connection_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_credentials_key_id" ON "auth"."credentials" ("key_id")`);
    await queryRunner.query(`CREATE TABLE "auth"."oauth_states" (
      "id" text NOT NULL,
      "tenant_id" text NOT NULL,
      "provider" text NOT NULL,
      "alias" text NOT NULL,
      "metadata" jsonb NOT NULL DEFAULT '{}',
      "scopes" text NOT NULL,
      "redirect_uri" text NOT NULL,
      "pkce_verifier" text,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "consumed_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_oauth_states" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "auth"."audit_log" (
      "id" bigserial NOT NULL,
      "tenant_id" text NOT NULL,
      "connection_id" text,
      "event" text NOT NULL,
      "actor" text NOT NULL,
      "detail" jsonb NOT NULL DEFAULT '{}',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_audit_log" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_connection" ON "auth"."audit_log" ("connection_id", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'oauth_states', 'credentials', 'connections', 'api_keys', 'tenants']) {
      await queryRunner.query(`DROP TABLE "auth"."${table}"`);
    }
  }
}
