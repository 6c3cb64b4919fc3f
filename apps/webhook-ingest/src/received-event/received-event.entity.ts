import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** One webhook delivery as received: raw bytes, selected headers and the provider's dedup key, stored before the 2xx. */
@Entity({ name: 'received_events' })
@Unique('UQ_received_events_dedup', ['provider', 'connectionId', 'dedupKey'])
@Index('IDX_received_events_tenant', ['tenantId', 'connectionId', 'receivedAt'])
@Index('IDX_received_events_status', ['status', 'receivedAt'])
export class ReceivedEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ name: 'dedup_key', type: 'text' })
  dedupKey!: string;

  @Column({ name: 'provider_event_id', type: 'text', nullable: true })
  providerEventId!: string | null;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string | string[]>;

  @Column({ name: 'raw_body', type: 'bytea' })
  rawBody!: Buffer;

  @Column({ type: 'text', default: 'received' })
  status!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;
}
