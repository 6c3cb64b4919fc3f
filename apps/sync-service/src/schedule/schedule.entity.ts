import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How often one stream of one connection is pulled, and when next. */
@Entity({ name: 'schedules' })
@Index('IDX_schedules_due', ['nextRunAt'])
export class ScheduleEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text', primaryKeyConstraintName: 'PK_schedules' })
  connectionId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_schedules' })
  stream!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'interval_seconds', type: 'integer' })
  intervalSeconds!: number;

  @Column({ name: 'next_run_at', type: 'timestamptz' })
  nextRunAt!: Date;

  /** A paused stream is never due (and never stale) until resumed. */
  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** When a run of this stream last succeeded; null until one does. */
  @Column({ name: 'last_succeeded_at', type: 'timestamptz', nullable: true })
  lastSucceededAt!: Date | null;
}
