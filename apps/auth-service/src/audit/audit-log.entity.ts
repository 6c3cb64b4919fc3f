import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every credential event (created, refreshed, served, failed, revoked); `detail` never holds a secret. */
@Entity({ name: 'audit_log' })
@Index('IDX_audit_log_connection', ['connectionId', 'id'])
@Index('IDX_audit_log_created', ['createdAt'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_audit_log' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'connection_id', type: 'text', nullable: true })
  connectionId!: string | null;

  @Column({ type: 'text' })
  event!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
