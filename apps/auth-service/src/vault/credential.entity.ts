import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A connection's secrets: `secrets` maps field → sealed string (AES-256-GCM, AAD tenant|connection|field), all under
 * `key_id`. `version` fences refresh writes; `lease_*` is the short cross-replica refresh lease.
 */
@Entity({ name: 'credentials' })
@Index('IDX_credentials_key_id', ['keyId'])
export class CredentialEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text', primaryKeyConstraintName: 'PK_credentials' })
  connectionId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'jsonb' })
  secrets!: Record<string, string>;

  @Column({ name: 'token_type', type: 'text', default: 'bearer' })
  tokenType!: string;

  @Column({ name: 'access_expires_at', type: 'timestamptz', nullable: true })
  accessExpiresAt!: Date | null;

  @Column({ name: 'refresh_expires_at', type: 'timestamptz', nullable: true })
  refreshExpiresAt!: Date | null;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
