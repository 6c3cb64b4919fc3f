import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An event that failed processing MaxDeliver times, with its last error; requeue sends it back to processing. */
@Entity({ name: 'dead_letters' })
@Index('IDX_dead_letters_tenant', ['tenantId', 'deadAt'])
export class DeadLetterEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text' })
  lastError!: string;

  @CreateDateColumn({ name: 'dead_at', type: 'timestamptz' })
  deadAt!: Date;
}
