import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One run of one connection's stream: its status, progress counters and last error. */
@Entity({ name: 'runs' })
@Index('IDX_runs_tenant_queued', ['tenantId', 'queuedAt'])
@Index('UQ_runs_active', ['connectionId', 'stream'], { unique: true, where: `status IN ('queued', 'running')` })
export class SyncRunEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_runs' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ type: 'text' })
  stream!: string;

  @Column({ type: 'text' })
  mode!: string;

  @Column({ type: 'text' })
  trigger!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'integer' })
  pages!: number;

  @Column({ type: 'integer' })
  records!: number;

  @Column({ type: 'integer' })
  changed!: number;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
