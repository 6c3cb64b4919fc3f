import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Incremental position of one partition (e.g. a Square location's orders): `watermark` is the newest source
 * timestamp of the last completed chain; `cursor` the next page of the chain in progress and `chain_watermark`
 * the newest timestamp seen in it, both saved with each page's records.
 */
@Entity({ name: 'checkpoints' })
export class CheckpointEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text', primaryKeyConstraintName: 'PK_checkpoints' })
  connectionId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_checkpoints' })
  stream!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_checkpoints' })
  partition!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text', nullable: true })
  watermark!: string | null;

  @Column({ type: 'text', nullable: true })
  cursor!: string | null;

  @Column({ name: 'chain_watermark', type: 'text', nullable: true })
  chainWatermark!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
