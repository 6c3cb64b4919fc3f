import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The webhook subscriptions Shelflink keeps for one connection: last outcome and next reconcile check. */
@Entity({ name: 'webhook_registrations' })
@Index('IDX_webhook_registrations_due', ['nextCheckAt'])
@Check('CHK_webhook_registrations_state', `"state" IN ('pending', 'synced', 'failed')`)
export class WebhookRegistrationEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text', primaryKeyConstraintName: 'PK_webhook_registrations' })
  connectionId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  topics!: string[];

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'synced_at', type: 'timestamptz', nullable: true })
  syncedAt!: Date | null;

  @Column({ name: 'next_check_at', type: 'timestamptz', default: () => 'now()' })
  nextCheckAt!: Date;
}
