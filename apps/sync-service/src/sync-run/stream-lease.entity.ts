import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who runs a connection's stream right now; free again once `expires_at` passes without a renewal. */
@Entity({ name: 'stream_leases' })
export class StreamLeaseEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text', primaryKeyConstraintName: 'PK_stream_leases' })
  connectionId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_stream_leases' })
  stream!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ type: 'text' })
  holder!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
