import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** One connected provider account of a tenant; several per provider, told apart by alias. Never holds a secret. */
@Entity({ name: 'connections' })
@Unique('UQ_connections_tenant_provider_alias', ['tenantId', 'provider', 'alias'])
@Index('IDX_connections_account', ['provider', 'accountKey'])
@Check('CHK_connections_status', `"status" IN ('active', 'needs_reauth', 'revoked', 'error')`)
export class ConnectionEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_connections' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  alias!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'auth_mode', type: 'text' })
  authMode!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  /** The provider account (Square merchant id, Shopify shop) app-level webhooks are routed by. */
  @Column({ name: 'account_key', type: 'text', nullable: true })
  accountKey!: string | null;

  @Column({ name: 'credential_version', type: 'integer', default: 0 })
  credentialVersion!: number;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'last_refreshed_at', type: 'timestamptz', nullable: true })
  lastRefreshedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
