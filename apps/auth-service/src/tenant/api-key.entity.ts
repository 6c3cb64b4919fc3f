import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** An admin API key: only its hash is stored; `prefix_id` finds the row without revealing the key. */
@Entity({ name: 'api_keys' })
@Unique('UQ_api_keys_prefix_id', ['prefixId'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_api_keys' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'prefix_id', type: 'text' })
  prefixId!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
