import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One hosted Connect page link; `id` is the SHA-256 of its token, so the table never holds a usable link. */
@Entity({ name: 'connect_pages' })
export class ConnectPageEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_connect_pages' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  alias!: string;

  @Column({ name: 'allowed_providers', type: 'jsonb', nullable: true })
  allowedProviders!: string[] | null;

  @Column({ name: 'return_url', type: 'text', nullable: true })
  returnUrl!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
